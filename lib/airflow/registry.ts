import type { EnvironmentConfig, FlightboardConfig, TargetConfig } from "@/lib/config/types";
import { createAirflowConnector } from "./airflow-connector";
import { createComposerConnector } from "./composer/connector";
import { discoverComposer } from "./composer/discovery";
import { createMwaaConnector } from "./mwaa/connector";
import { discoverMwaa } from "./mwaa/discovery";
import { DEFAULT_MAX_BYTES, type CallLimits } from "./transport";
import type { Connector } from "./types";

/**
 * The registry of connector kinds: the one place that maps a configured target to its connector
 * (the config's field names are the settings' names, so a target is passed as it is), names the
 * upstream it watches, and finds environments by discovery. Adding a kind means one entry here
 * (see README "Adding a connector").
 */

/** What every connector gets besides its target. */
export interface ConnectorContext {
  limits: CallLimits;
  /** The environment's `uiUrl` override. */
  uiUrl?: string;
  /** `refresh.runs` in ms: `access: cli` reads runs one DAG at a time, spread over this cycle. */
  runsRefreshMs?: number;
}

type Target<K extends TargetConfig["kind"]> = Extract<TargetConfig, { kind: K }>;

interface KindEntry<K extends TargetConfig["kind"]> {
  create(target: Target<K>, ctx: ConnectorContext): Connector;
  /** Identifies the upstream, so a discovered environment already configured by hand is not watched twice. */
  identity(target: Target<K>): string;
}

const KINDS: { [K in TargetConfig["kind"]]: KindEntry<K> } = {
  airflow: {
    create: (t, ctx) => createAirflowConnector({ ...t, limits: ctx.limits, uiUrl: ctx.uiUrl }),
    identity: (t) => `airflow:${t.baseUrl}`,
  },
  mwaa: {
    create: (t, ctx) => createMwaaConnector({ ...t, limits: ctx.limits, uiUrl: ctx.uiUrl, runsRefreshMs: ctx.runsRefreshMs }),
    identity: (t) => `mwaa:${t.region}:${t.environmentName}`,
  },
  composer: {
    create: (t, ctx) => createComposerConnector({ ...t, limits: ctx.limits, uiUrl: ctx.uiUrl }),
    identity: (t) => `composer:${t.project}:${t.location}:${t.environment}`,
  },
};

function entryFor<K extends TargetConfig["kind"]>(target: Target<K>): KindEntry<K> {
  return KINDS[target.kind as K];
}

/** The connector for one configured target. */
export function connectorFor(target: TargetConfig, ctx: ConnectorContext): Connector {
  return entryFor(target).create(target, ctx);
}

/** A stable identity of the upstream a target watches (`mwaa:{region}:{name}`…). */
export function targetIdentity(target: TargetConfig): string {
  return entryFor(target).identity(target);
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

/** Lists the environments one discovery block finds, as configured environments. */
export type EnvironmentDiscoverer = (signal: AbortSignal) => Promise<EnvironmentConfig[]>;

/** One discoverer per `discovery` block of the configuration. */
export function createDiscoverers(config: FlightboardConfig): EnvironmentDiscoverer[] {
  const timeoutMs = config.timeoutSeconds * 1000;
  const mwaa = config.discovery.mwaa.map((d): EnvironmentDiscoverer => async (signal) => {
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
  const composer = config.discovery.composer.map((d): EnvironmentDiscoverer => async (signal) => {
    const found = await discoverComposer(
      { project: d.project, locations: d.locations, credentialsFile: d.credentialsFile, apiEndpoint: d.apiEndpoint, limits: { timeoutMs, maxBytes: DEFAULT_MAX_BYTES } },
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
