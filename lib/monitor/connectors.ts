import { createAirflowConnector } from "@/lib/airflow/airflow-connector";
import type { CallLimits } from "@/lib/airflow/transport";
import type { Connector } from "@/lib/airflow/types";
import type { EnvironmentConfig, FlightboardConfig } from "@/lib/config/types";
import type { Discoverer } from "./monitor";

/**
 * Maps one configured environment to the connector for its kind. This is the only place that knows
 * every kind; adding a connector means adding a case here (see the README).
 */
export function createConnectorForEnvironment(env: EnvironmentConfig, limits: CallLimits): Connector {
  const t = env.target;
  switch (t.kind) {
    case "airflow":
      return createAirflowConnector({ baseUrl: t.baseUrl, apiVersion: t.apiVersion, auth: t.auth, limits, uiUrl: env.uiUrl });
    case "mwaa":
    case "composer":
      throw new Error(`no connector for kind ${t.kind} yet`);
  }
}

/** One discoverer per `discovery` block of the configuration. */
export function createDiscoverers(config: FlightboardConfig): Discoverer[] {
  void config;
  return [];
}
