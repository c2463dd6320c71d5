import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * Public types of the Airflow fleet simulator. Other engineers code against these names (see
 * sim/index.ts); extend only with optional members.
 */

/** A named, deterministic behaviour of one virtual environment. Planes (MWAA, Composer) add more names. */
export type ScenarioName =
  | "healthy"
  | "failing-dags"
  | "import-errors"
  | "scheduler-down"
  | "triggerer-down"
  | "slow"
  | "flapping"
  | "hangs"
  | "http-500"
  | "html-login-redirect"
  | "bad-credentials"
  | "huge"
  | (string & {});

/** One virtual environment to start. */
export interface SimEnvironmentSpec {
  /** Config id (contract §2 pattern), also the stats key. */
  id: string;
  name?: string;
  tags?: Record<string, string>;
  /**
   * Default `airflow`; `mwaa` and `composer` specs are handed to their planes. The words of lib/vocabulary's
   * ENVIRONMENT_KINDS, spelled out because sim/ imports nothing from lib/ (lib/vocabulary.test.ts holds them equal).
   */
  kind?: "airflow" | "mwaa" | "composer";
  /** "2.x.y" serves Airflow 2 (`/api/v1`), "3.x.y" serves Airflow 3 (`/api/v2`). */
  airflowVersion: string;
  scenario: ScenarioName;
  /** Active DAGs; default 40, or 3000 when the scenario is `huge`. A few stale DAGs are added on top. */
  dagCount?: number;
  /** Default: basic on Airflow 2, jwt on Airflow 3. */
  auth?: "none" | "basic" | "bearer" | "jwt";
  /** Serve the web server below this path, e.g. "/airflow". */
  pathPrefix?: string;
  /**
   * Plane and scenario knobs. Known to the Airflow core: `jwtLifetimeS` (number, default 86400),
   * `username` (string, default "monitor"), `recoveringDag` (true: one 5-minute DAG fails for
   * 15 minutes of every 40 and recovers, whatever the scenario).
   */
  options?: Record<string, unknown>;
}

/** Source of "now" in epoch milliseconds; inject a fake one in tests. */
export interface SimClock {
  now(): number;
}

export interface StartOptions {
  environments: SimEnvironmentSpec[];
  /** Seed of every generated name, schedule, duration and secret; default 42. */
  seed?: number;
  clock?: SimClock;
  /** Listen address; default 127.0.0.1. */
  host?: string;
  /** Delay of every response in the `slow` scenario; default 1500. */
  slowMs?: number;
  /** Full period of the `flapping` scenario in seconds (half up, half down); default 60. */
  flapPeriodS?: number;
}

/** Request counters. Route keys look like "GET /api/v1/dags", "GET /api/v2/dags/~/dagRuns", "POST /auth/token". */
export interface SimStats {
  total: number;
  byEnvironment: Record<string, number>;
  byRoute: Record<string, number>;
}

/** The contract §2 configuration the simulator writes (plain JSON; JSON is valid YAML). */
export interface SimConfig {
  refresh?: { health?: number; runs?: number; dags?: number };
  timeoutSeconds?: number;
  environments: Array<Record<string, unknown>>;
  discovery?: Record<string, unknown>;
}

export interface Simulator {
  /** One entry per environment with baseUrl and the NAMES of the env vars holding secrets. */
  config: SimConfig;
  /** The env vars the config refers to, plus process settings planes need (e.g. AWS_ENDPOINT_URL_MWAA). */
  processEnv: Record<string, string>;
  stats(): SimStats;
  resetStats(): void;
  /** Switch an environment's scenario from now on. Throws for an unknown id. */
  setScenario(id: string, scenario: ScenarioName): void;
  /** The environment's base URL (including any path prefix, no trailing slash). */
  url(id: string): string;
  /** Closes every listener and destroys open sockets (including hung ones). */
  close(): Promise<void>;
}

/** A response an `authenticate` hook may send instead of serving the call. */
export interface AuthRejection {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

export interface HandleOptions {
  /** Replaces the built-in REST auth check: return null to allow, or the response to send. */
  authenticate?: (req: IncomingMessage) => AuthRejection | null;
  /** Overrides spec.pathPrefix for this call. */
  pathPrefix?: string;
}

/** One virtual Airflow web server: its model plus a request handler for its REST API. */
export interface VirtualAirflow {
  spec: SimEnvironmentSpec;
  major: 2 | 3;
  /** Serves /health, /api/v1/* or /api/v2/*, /auth/token etc. Counts the request first. */
  handle(req: IncomingMessage, res: ServerResponse, opts?: HandleOptions): void;
  /**
   * The REST API as a function call (MWAA InvokeRestApi emulation); apiPath is relative to the API
   * root, e.g. "/dags". Applies the scenario (slow, 500s, hangs) but no authentication, and does
   * not count: the caller counts its own request.
   */
  invoke(method: string, apiPath: string, query: Record<string, string | string[]>, body: unknown): Promise<{ status: number; json: unknown }>;
  setScenario(s: ScenarioName): void;
  /** The scenario in effect. */
  scenario(): ScenarioName;
  /** Airflow 3 only: mints an API JWT the built-in check accepts (for web-login emulation). */
  issueJwt(subject: string, lifetimeS?: number): string;
  /** Releases hung invocations and timers. */
  close(): void;
}

export interface PlaneContext {
  clock: SimClock;
  seed: number;
  host: string;
  slowMs: number;
  flapPeriodS: number;
  /** Counts one request under `routeKey`; `request: false` counts a detail of a request already counted (a CLI command). */
  count(envId: string, routeKey: string, request?: boolean): void;
  /** Builds the virtual Airflow for a spec: the model plus a handler serving its REST API. */
  createVirtualAirflow(spec: SimEnvironmentSpec): VirtualAirflow;
}

export interface SimPlane {
  configEntries: Array<Record<string, unknown>>;
  processEnv: Record<string, string>;
  discovery?: Record<string, unknown>;
  close(): Promise<void>;
  /** Optional: handle setScenario for the plane's environments; return false for an id it does not own. */
  setScenario?(id: string, scenario: ScenarioName): boolean;
  /** Optional: the Airflow base URL of one of the plane's environments. */
  url?(id: string): string | undefined;
}

export type PlaneFactory = (specs: SimEnvironmentSpec[], ctx: PlaneContext) => Promise<SimPlane>;
