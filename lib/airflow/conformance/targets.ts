import type { ScenarioName, SimEnvironmentSpec } from "@/sim/index";
import type { AirflowErrorKind } from "../errors";
import type { ApiVersion, Connector } from "../types";

/**
 * What the conformance suite runs against: one connector kind with one access mode on one Airflow
 * major version, and what it can do. A capability a target lacks carries the reason instead, and
 * the suite reports its cases as skipped with that reason (never silently passed).
 */

/** A capability, or why this target does not have it. */
export type Capability<T> = T | { unsupported: string };

export function unsupported<T>(c: Capability<T>): c is { unsupported: string } {
  return typeof c === "object" && c !== null && "unsupported" in c;
}

/** How an error of one kind is provoked: a simulator scenario, or an edit of the config entry. */
export type Provocation = { scenario: ScenarioName } | { edit: (entry: Record<string, unknown>) => void; reads: "platform" | "dags" };

export interface ErrorCase {
  /** What happens upstream, in words (the test name). */
  name: string;
  kind: AirflowErrorKind;
  /** The status an HTTP-level failure must carry (e.g. 401, 500). */
  httpStatus?: number;
  how: Capability<Provocation>;
  /** Call timeout for this case (a hang must time out quickly). */
  timeoutMs?: number;
}

/** Credentials or sessions that expire and are renewed, counted on the simulator's wire. */
export interface Renewal {
  /** The simulator's route keys of one renewal (token or login requests). */
  routes: RegExp;
  /** Time after which the credential must have been renewed. */
  lifetimeMs: number;
  /** Spec options of the renewal environment (e.g. a short JWT lifetime). */
  options?: Record<string, unknown>;
  /** Route keys one renewal sends (a web login is a token plus a login). */
  perRenewal?: number;
}

export interface Writes {
  /** The simulator's route key of each write. */
  route(op: "trigger" | "clear" | "pause" | "resume"): string;
}

export interface ConformanceTarget {
  /** Test label and environment id prefix (`[a-z0-9-]`). */
  slug: string;
  name: string;
  kind: Connector["kind"];
  major: 2 | 3;
  /** The Airflow version the simulator serves. */
  airflowVersion: string | { unsupported: string };
  /** `apiVersion()` once a call succeeded (null: this access has no REST API). */
  api: ApiVersion | null;
  /** Builds the simulator spec of one environment of this target. */
  spec(id: string, scenario: ScenarioName, options?: Record<string, unknown>): SimEnvironmentSpec;
  errors: ErrorCase[];
  renewal: Capability<Renewal>;
  writes: Capability<Writes>;
  /** Whether health carries heartbeat times (the CLI answers alive or not). */
  heartbeats: boolean;
}

export const DAGS = 17;

const UNREACHABLE = "http://127.0.0.1:9";
const at = (entry: Record<string, unknown>, key: string) => entry[key] as Record<string, unknown>;

/** Airflow's REST routes as the simulator counts them. */
function restWrites(api: ApiVersion): Writes {
  const root = `/api/${api}/dags`;
  return { route: (op) => (op === "trigger" ? `POST ${root}/{dag_id}/dagRuns` : op === "clear" ? `POST ${root}/{dag_id}/clearTaskInstances` : `PATCH ${root}/{dag_id}`) };
}

function commonErrors(rejected: Capability<Provocation>, rejectedStatus: number | undefined, unreachable: Provocation): ErrorCase[] {
  return [
    { name: "rejected credentials", kind: "auth", httpStatus: rejectedStatus, how: rejected },
    { name: "an Airflow 500 page", kind: "http", httpStatus: 500, how: { scenario: "http-500" } },
    { name: "a web server that never answers", kind: "timeout", how: { scenario: "hangs" }, timeoutMs: 1000 },
    { name: "nothing listening", kind: "connection", how: unreachable },
  ];
}

function airflowTarget(auth: "basic" | "jwt" | "bearer", major: 2 | 3): ConformanceTarget {
  const api: ApiVersion = major === 2 ? "v1" : "v2";
  const version = major === 2 ? "2.10.5" : "3.1.0";
  return {
    slug: `af${major}-${auth}`,
    name: `Airflow ${major} (${auth} auth)`,
    kind: "airflow",
    major,
    airflowVersion: version,
    api,
    spec: (id, scenario, options) => ({ id, kind: "airflow", airflowVersion: version, scenario, dagCount: DAGS, auth, options }),
    errors: [
      ...commonErrors({ scenario: "bad-credentials" }, 401, { edit: (e) => void (at(e, "airflow").baseUrl = UNREACHABLE), reads: "dags" }),
      { name: "a login page instead of JSON", kind: "auth", how: major === 2 ? { scenario: "html-login-redirect" } : { unsupported: "the Airflow 3 API answers 401 JSON, never a login page" } },
      { name: "the control plane does not know the environment", kind: "platform", how: { unsupported: "self-hosted Airflow has no control plane" } },
    ],
    renewal:
      auth === "jwt"
        ? { routes: /^POST \/auth\/token$/, lifetimeMs: 600_000, options: { jwtLifetimeS: 600 } }
        : { unsupported: `${auth} auth sends the same credential on every call: nothing expires` },
    writes: restWrites(api),
    heartbeats: true,
  };
}

function mwaaTarget(access: "web-login" | "rest-api", major: 2 | 3): ConformanceTarget {
  const api: ApiVersion = major === 2 ? "v1" : "v2";
  const version = major === 2 ? "2.10.3" : "3.0.6";
  const web = access === "web-login";
  return {
    slug: `mwaa-${web ? "w" : "r"}${major}`,
    name: `MWAA ${access} on Airflow ${major}`,
    kind: "mwaa",
    major,
    airflowVersion: version,
    api,
    spec: (id, scenario, options) => ({ id, kind: "mwaa", airflowVersion: version, scenario, dagCount: DAGS, options: { access, ...options } }),
    errors: [
      // InvokeRestApi carries no Airflow credentials: IAM refusing the call is its rejection.
      ...commonErrors({ scenario: web ? "bad-credentials" : "access-denied" }, web ? 401 : undefined, {
        edit: (e) => void (at(e, "mwaa").endpoint = UNREACHABLE),
        reads: "platform",
      }),
      { name: "a login page instead of JSON", kind: "auth", how: web ? { scenario: "html-login-redirect" } : { unsupported: "InvokeRestApi answers JSON through AWS, never a login page" } },
      { name: "the control plane does not know the environment", kind: "platform", how: { edit: (e) => void (at(e, "mwaa").environmentName = "no-such-env"), reads: "platform" } },
      { name: "AWS throttling", kind: "throttled", how: { scenario: "throttled" } },
    ],
    renewal: web
      ? // Airflow 2: the 12-hour session cookie; Airflow 3: the `_token` JWT, here with a 1-hour exp.
        { routes: /^POST \/(webtoken\/\{Name\}|aws_mwaa\/login|pluginsv2\/aws_mwaa\/login)$/, lifetimeMs: major === 2 ? 12 * 3600_000 : 3600_000, options: major === 3 ? { sessionLifetimeS: 3600 } : {}, perRenewal: 2 }
      : { unsupported: "InvokeRestApi signs each call with SigV4: no session to renew" },
    writes: web ? restWrites(api) : { route: () => "POST /restapi/{Name}" },
    heartbeats: true,
  };
}

function composerTarget(major: 2 | 3): ConformanceTarget {
  const api: ApiVersion = major === 2 ? "v1" : "v2";
  const version = major === 2 ? "2.9.3" : "3.1.0";
  return {
    slug: `composer${major}`,
    name: `Composer on Airflow ${major}`,
    kind: "composer",
    major,
    airflowVersion: version,
    api,
    spec: (id, scenario, options) => ({ id, kind: "composer", airflowVersion: version, scenario, dagCount: DAGS, options }),
    errors: [
      ...commonErrors({ scenario: "bad-credentials" }, undefined, { edit: (e) => void (at(e, "composer").apiEndpoint = UNREACHABLE), reads: "platform" }),
      { name: "a login page instead of JSON", kind: "auth", how: { scenario: "html-login-redirect" } },
      { name: "the control plane does not know the environment", kind: "platform", how: { edit: (e) => void (at(e, "composer").environment = "no-such-env"), reads: "platform" } },
      { name: "no Airflow user for the Google account (403)", kind: "auth", httpStatus: 403, how: { scenario: "no-airflow-user" } },
    ],
    // Application Default Credentials from the simulated metadata server: 3599 s access tokens.
    renewal: { routes: /service-accounts\/default\/token$/, lifetimeMs: 3600_000 },
    writes: restWrites(api),
    heartbeats: true,
  };
}

function mwaaCliTarget(major: 2 | 3): ConformanceTarget {
  // 2.2.2 has no REST API at all; MWAA's Airflow 3 keeps the CLI endpoint (behind a 307 to `/aws_mwaa/cli/`).
  const version = major === 2 ? "2.2.2" : "3.0.6";
  return {
    slug: `mwaa-cli${major}`,
    name: `MWAA cli on Airflow ${major}`,
    kind: "mwaa",
    major,
    airflowVersion: version,
    api: null,
    spec: (id, scenario, options) => ({ id, kind: "mwaa", airflowVersion: version, scenario, dagCount: DAGS, options: { access: "cli", ...options } }),
    errors: [
      { name: "rejected credentials", kind: "auth", how: { scenario: "access-denied" } },
      // The CLI endpoint answers 200 with Airflow's traceback on stderr: no HTTP status to report.
      { name: "Airflow failing inside", kind: "http", how: { scenario: "http-500" } },
      { name: "a web server that never answers", kind: "timeout", how: { scenario: "hangs" }, timeoutMs: 1000 },
      { name: "nothing listening", kind: "connection", how: { edit: (e) => void (at(e, "mwaa").endpoint = UNREACHABLE), reads: "platform" } },
      { name: "the control plane does not know the environment", kind: "platform", how: { edit: (e) => void (at(e, "mwaa").environmentName = "no-such-env"), reads: "platform" } },
    ],
    // CreateCliToken: MWAA honours a CLI token for 60 s.
    renewal: { routes: /^POST \/clitoken\/\{Name\}$/, lifetimeMs: 60_000 },
    // One route per command (the simulator counts each CLI command besides the endpoint).
    writes: { route: (op) => `CLI ${op === "trigger" ? "dags trigger" : op === "clear" ? "tasks clear" : op === "pause" ? "dags pause" : "dags unpause"}` },
    heartbeats: false,
  };
}

/** Every connector kind and access mode on both API versions. */
export const TARGETS: ConformanceTarget[] = [
  airflowTarget("basic", 2),
  airflowTarget("bearer", 2),
  airflowTarget("jwt", 3),
  airflowTarget("bearer", 3),
  mwaaTarget("web-login", 2),
  mwaaTarget("web-login", 3),
  mwaaTarget("rest-api", 2),
  mwaaTarget("rest-api", 3),
  composerTarget(2),
  composerTarget(3),
  mwaaCliTarget(2),
  mwaaCliTarget(3),
];
