/**
 * The validated, resolved configuration handed to the monitor and the connectors. Secrets are
 * resolved from the environment variables the file names; an unset variable is kept as
 * `{ env, value: undefined }` so that environment reports `missing_secret` while the rest run.
 */

export interface SecretRef {
  /** Name of the environment variable, safe to show. */
  env: string;
  /** Its value, or undefined when unset. Never logged, never sent to a browser. */
  value: string | undefined;
}

export type AirflowAuthConfig =
  | { type: "none" }
  | { type: "basic"; username: string; password: SecretRef }
  | { type: "bearer"; token: SecretRef }
  | { type: "jwt"; username: string; password: SecretRef };

export interface AirflowTargetConfig {
  kind: "airflow";
  baseUrl: string;
  apiVersion: "auto" | "v1" | "v2";
  auth: AirflowAuthConfig;
}

export interface MwaaTargetConfig {
  kind: "mwaa";
  environmentName: string;
  region: string;
  access: "web-login" | "rest-api";
  profile?: string;
  roleArn?: string;
  /** Control-plane endpoint override (config, else AWS_ENDPOINT_URL_MWAA, else AWS_ENDPOINT_URL). */
  endpoint?: string;
}

export interface ComposerTargetConfig {
  kind: "composer";
  project: string;
  location: string;
  environment: string;
  credentialsFile?: string;
  iapClientId?: string;
  apiEndpoint: string;
}

export type TargetConfig = AirflowTargetConfig | MwaaTargetConfig | ComposerTargetConfig;

export interface EnvironmentConfig {
  id: string;
  name: string;
  tags: Record<string, string>;
  uiUrl?: string;
  target: TargetConfig;
  /** Set for environments found by discovery. */
  discovered?: "mwaa" | "composer";
}

export interface MwaaDiscoveryConfig {
  regions: string[];
  profile?: string;
  roleArn?: string;
  access: "web-login" | "rest-api";
  tags: Record<string, string>;
  endpoint?: string;
}

export interface ComposerDiscoveryConfig {
  project: string;
  locations: string[];
  credentialsFile?: string;
  tags: Record<string, string>;
  apiEndpoint: string;
}

export interface RefreshConfig {
  health: number;
  runs: number;
  dags: number;
}

export interface FlightboardConfig {
  refresh: RefreshConfig;
  timeoutSeconds: number;
  environments: EnvironmentConfig[];
  discovery: { mwaa: MwaaDiscoveryConfig[]; composer: ComposerDiscoveryConfig[] };
  /** Where the configuration came from: a file path, or "demo". */
  source: string;
}

export const REFRESH_FLOORS: RefreshConfig = { health: 5, runs: 10, dags: 30 };
export const REFRESH_DEFAULTS: RefreshConfig = { health: 30, runs: 60, dags: 300 };
export const DEFAULT_TIMEOUT_SECONDS = 10;
