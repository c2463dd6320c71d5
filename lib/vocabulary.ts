/**
 * The words of the public contract that server and browser code both use, defined once. Plain
 * values and the types derived from them, importing nothing, so every layer may import it (views
 * included, whose other server imports are types only; eslint keeps this file import-free).
 */

/**
 * The statuses that need a person's attention, worst first: what an incident is made of (contract
 * §7), what an alert rule's `status` may name (§8), what "problems only" keeps.
 */
export const PROBLEM_STATUSES = ["unhealthy", "unreachable", "unauthorized", "degraded"] as const;

/** Every environment status in severity order, worst first: the fleet's sort order (contract §4). */
export const ENVIRONMENT_STATUSES = [...PROBLEM_STATUSES, "unknown", "healthy"] as const;

export type EnvironmentStatus = (typeof ENVIRONMENT_STATUSES)[number];
export type ProblemStatus = (typeof PROBLEM_STATUSES)[number];
/** How many environments have each status (`counts` of `/api/v1/fleet`). */
export type StatusCounts = Record<EnvironmentStatus, number>;

export function isEnvironmentStatus(s: string): s is EnvironmentStatus {
  return (ENVIRONMENT_STATUSES as readonly string[]).includes(s);
}

/** Every status but healthy and unknown ("not polled yet"); see PROBLEM_STATUSES. */
export function isProblemStatus(s: string): s is ProblemStatus {
  return (PROBLEM_STATUSES as readonly string[]).includes(s);
}

/**
 * Availability class of a status (contract §7 history points, §9 `flightboard_environment_up`):
 * healthy and degraded are up, unhealthy and unreachable down, the rest (unauthorized, unknown) no data.
 */
export function availability(status: string): "up" | "down" | "nodata" {
  switch (status as EnvironmentStatus) {
    case "healthy":
    case "degraded":
      return "up";
    case "unhealthy":
    case "unreachable":
      return "down";
    default:
      return "nodata";
  }
}

/** Position in the severity order, 0 the worst; -1 for a word that is not a status. */
export function severityRank(s: string): number {
  return (ENVIRONMENT_STATUSES as readonly string[]).indexOf(s);
}

/** All zero; keys in the order of the contract's example, which the JSON keeps. */
export function emptyStatusCounts(): StatusCounts {
  return { healthy: 0, degraded: 0, unhealthy: 0, unreachable: 0, unauthorized: 0, unknown: 0 };
}

/** `?limit=` of `/api/v1/environments/{id}/dags/{dagId}/runs` (contract §4). */
export const DAG_RUNS_LIMIT = { default: 25, max: 100 } as const;
/** `?limit=` of `/api/v1/incidents` (contract §7). */
export const INCIDENTS_LIMIT = { default: 100, max: 1000 } as const;
/** Results `/api/v1/search` answers at most; its `total` counts every match. */
export const SEARCH_RESULTS_MAX = 200;

/** The kinds of environment a configuration may declare (contract §2) and a summary reports. */
export const ENVIRONMENT_KINDS = ["airflow", "mwaa", "composer"] as const;
export type EnvironmentKind = (typeof ENVIRONMENT_KINDS)[number];

/**
 * One entry of `/api/v1/audit` (contract §12), as the store reads it and the audit page shows it.
 * `ok` null: the intent was recorded but no answer was (the process stopped mid-call).
 */
export interface AuditEntry {
  at: string;
  actor: string;
  action: string;
  environmentId: string;
  dagId: string | null;
  runId: string | null;
  ok: boolean | null;
  httpStatus: number | null;
  message: string | null;
}
