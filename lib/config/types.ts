import type { AlertsConfig } from "./alerts";
import type { RetentionConfig, StorageConfig } from "./storage";

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

/** How an MWAA environment is read: web-login session, InvokeRestApi, or CreateCliToken + `/aws_mwaa/cli`. */
export type MwaaAccess = "web-login" | "rest-api" | "cli";

export interface MwaaTargetConfig {
  kind: "mwaa";
  environmentName: string;
  region: string;
  access: MwaaAccess;
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
  /** Who may see it besides admins; undefined = everyone signed in. Discovery copies its block's. */
  access?: AccessRule;
}

export interface MwaaDiscoveryConfig {
  regions: string[];
  profile?: string;
  roleArn?: string;
  access: MwaaAccess;
  tags: Record<string, string>;
  endpoint?: string;
  /** `environmentAccess:` of the block, copied as `access` to every environment it finds. */
  environmentAccess?: AccessRule;
}

export interface ComposerDiscoveryConfig {
  project: string;
  locations: string[];
  credentialsFile?: string;
  tags: Record<string, string>;
  apiEndpoint: string;
  /** `environmentAccess:` of the block, copied as `access` to every environment it finds. */
  environmentAccess?: AccessRule;
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
  /** Sign-in and display tokens; always set by lib/config (optional for hand-built test configs). */
  auth?: AuthConfig;
  /** Alerts and expectations (contract §8); absent = none configured. */
  alerts?: AlertsConfig;
  /** Where history lives; unset in hand-built test configs (no history). */
  storage?: StorageConfig;
  /** How long history is kept (defaults of contract §7 when unset). */
  retention?: RetentionConfig;
  /** The scrapers' token for `GET /metrics` (contract §9); absent = display tokens only. */
  metrics?: { token: SecretRef };
  /** Actions (contract §12): off unless `actions.enabled`. */
  actions?: { enabled: boolean };
}

export const REFRESH_FLOORS: RefreshConfig = { health: 5, runs: 10, dags: 30 };
export const REFRESH_DEFAULTS: RefreshConfig = { health: 30, runs: 60, dags: 300 };
export const DEFAULT_TIMEOUT_SECONDS = 10;

/** `access:` of an environment: who besides admins may see it. Absent = everyone signed in. */
export interface AccessRule {
  /** Group claims, any of which grants access. */
  groups: string[];
  /** Verified email addresses (lower case) that get access. */
  emails: string[];
  /** Who may act on it (contract §12) besides `auth.operators` and admins. */
  operators?: { emails: string[]; groups: string[] };
}

export type AuthProviderConfig =
  | { type: "oidc"; id: "oidc"; name: string; issuer: string; clientId: string; clientSecret: SecretRef; scopes: string[]; groupsClaim: string }
  | { type: "github"; id: "github"; name: string; clientId: string; clientSecret: SecretRef }
  | { type: "google"; id: "google"; name: string; clientId: string; clientSecret: SecretRef; hostedDomain?: string };

/** A named token for wall screens: read-only, the wall page and the read API only. */
export interface DisplayTokenConfig {
  name: string;
  /** Unset value = the token is disabled (revoked). */
  token: SecretRef;
  /** Only environments carrying all of these tags. */
  tags: Record<string, string>;
  /** Groups the screen acts as for environments with `access.groups`. */
  groups: string[];
}

/**
 * A named token for scripts and CI jobs (contract §12): `Authorization: Bearer <value>` on the API.
 * `viewer` reads, `operator` also acts; either only on environments carrying all of its `tags`.
 */
export interface ApiTokenConfig {
  name: string;
  /** Unset value = the token is disabled (revoked). */
  token: SecretRef;
  role: "viewer" | "operator";
  tags: Record<string, string>;
}

/** The resolved `auth:` section (see the README, "Authentication"). */
export interface AuthConfig {
  mode: "enabled" | "disabled";
  /** True when the file had an `auth:` section (false: the default of a file, or demo mode). */
  explicit: boolean;
  /** The board's public origin (callback URLs); "" when disabled. */
  url: string;
  /** Signs and encrypts sessions and display cookies. */
  secret: SecretRef;
  sessionHours: number;
  providers: AuthProviderConfig[];
  viewers: { anyone: boolean; emails: string[]; emailDomains: string[]; groups: string[] };
  admins: { emails: string[]; groups: string[] };
  /** Operators of every environment they see (contract §12); optional for hand-built configs. */
  operators?: { emails: string[]; groups: string[] };
  displayTokens: DisplayTokenConfig[];
  displayCookieDays: number;
  /** API tokens for scripts (contract §12); optional for hand-built configs. */
  apiTokens?: ApiTokenConfig[];
}
