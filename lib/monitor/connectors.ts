import { createAirflowConnector } from "@/lib/airflow/airflow-connector";
import { createComposerConnector } from "@/lib/airflow/composer/connector";
import { discoverComposer } from "@/lib/airflow/composer/discovery";
import { createMwaaConnector } from "@/lib/airflow/mwaa/connector";
import { discoverMwaa } from "@/lib/airflow/mwaa/discovery";
import type { CallLimits } from "@/lib/airflow/transport";
import type { Connector } from "@/lib/airflow/types";
import type { EnvironmentConfig, FlightboardConfig, RefreshConfig } from "@/lib/config/types";
import type { Discoverer } from "./monitor";

/**
 * Maps one configured environment to the connector for its kind. This is the only place that knows
 * every kind; adding a connector means adding a case here (see the README).
 */
export function createConnectorForEnvironment(env: EnvironmentConfig, limits: CallLimits, refresh?: RefreshConfig): Connector {
  const t = env.target;
  switch (t.kind) {
    case "airflow":
      return createAirflowConnector({ baseUrl: t.baseUrl, apiVersion: t.apiVersion, auth: t.auth, limits, uiUrl: env.uiUrl });
    case "mwaa":
      return createMwaaConnector({
        environmentName: t.environmentName,
        region: t.region,
        access: t.access,
        profile: t.profile,
        roleArn: t.roleArn,
        endpoint: t.endpoint,
        limits,
        uiUrl: env.uiUrl,
        // `access: cli` reads runs one DAG at a time, spread over this cycle.
        runsRefreshMs: refresh ? refresh.runs * 1000 : undefined,
      });
    case "composer":
      return createComposerConnector({
        project: t.project,
        location: t.location,
        environment: t.environment,
        credentialsFile: t.credentialsFile,
        iapClientId: t.iapClientId,
        apiEndpoint: t.apiEndpoint,
        limits,
        uiUrl: env.uiUrl,
      });
  }
}

/** Contract §2: discovered ids are lower-cased with invalid characters replaced by `-`. */
export function discoveredId(parts: string[]): string {
  const id = parts
    .join("-")
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-")
    .replace(/^[^a-z0-9]+/, "");
  return id.slice(0, 63) || "discovered";
}

/** One discoverer per `discovery` block of the configuration. */
export function createDiscoverers(config: FlightboardConfig): Discoverer[] {
  const timeoutMs = config.timeoutSeconds * 1000;
  const mwaa: Discoverer[] = config.discovery.mwaa.map((d) => async (signal) => {
    const found = await discoverMwaa({ regions: d.regions, profile: d.profile, roleArn: d.roleArn, endpoint: d.endpoint, timeoutMs }, signal);
    return found.map(
      (f): EnvironmentConfig => ({
        id: discoveredId(["mwaa", f.region, f.environmentName]),
        name: f.environmentName,
        tags: { ...d.tags, discovered: "mwaa" },
        access: d.environmentAccess,
        discovered: "mwaa",
        target: { kind: "mwaa", environmentName: f.environmentName, region: f.region, access: d.access, profile: d.profile, roleArn: d.roleArn, endpoint: d.endpoint },
      }),
    );
  });
  const composer: Discoverer[] = config.discovery.composer.map((d) => async (signal) => {
    const found = await discoverComposer(
      { project: d.project, locations: d.locations, credentialsFile: d.credentialsFile, apiEndpoint: d.apiEndpoint, limits: { timeoutMs, maxBytes: 16 * 1024 * 1024 } },
      signal,
    );
    return found.map(
      (f): EnvironmentConfig => ({
        id: discoveredId(["composer", f.project, f.location, f.environment]),
        name: f.environment,
        tags: { ...d.tags, discovered: "composer" },
        access: d.environmentAccess,
        discovered: "composer",
        target: { kind: "composer", project: f.project, location: f.location, environment: f.environment, credentialsFile: d.credentialsFile, apiEndpoint: d.apiEndpoint },
      }),
    );
  });
  return [...mwaa, ...composer];
}
