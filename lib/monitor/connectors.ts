import { connectorFor } from "@/lib/airflow/registry";
import type { CallLimits } from "@/lib/airflow/transport";
import type { Connector } from "@/lib/airflow/types";
import type { EnvironmentConfig, RefreshConfig } from "@/lib/config/types";

/** The monitor's connector factory: the kinds themselves (and discovery) live in lib/airflow's registry. */
export function createConnectorForEnvironment(env: EnvironmentConfig, limits: CallLimits, refresh?: RefreshConfig): Connector {
  return connectorFor(env.target, { limits, uiUrl: env.uiUrl, runsRefreshMs: refresh ? refresh.runs * 1000 : undefined });
}

export { createDiscoverers } from "@/lib/airflow/registry";
