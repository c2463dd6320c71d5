import type { AirflowErrorKind } from "@/lib/airflow/errors";
import type { EnvironmentKind, EnvironmentStatus, StatusCounts } from "@/lib/vocabulary";

// The status and kind words are defined in lib/vocabulary (client-safe values); named here beside the shapes that use them.
export type { EnvironmentKind, EnvironmentStatus, StatusCounts };

/**
 * The JSON API's shapes (contract §4). Views import these as types only.
 */

/** Contract `error.code`: every connector error kind but the per-DAG `not_found`. */
export type ErrorCode = Exclude<AirflowErrorKind, "not_found">;

export interface EnvironmentError {
  code: ErrorCode;
  message: string;
  httpStatus: number | null;
}

export interface Components {
  metadatabase: "healthy" | "unhealthy" | null;
  scheduler: "healthy" | "unhealthy" | null;
  triggerer: "healthy" | "unhealthy" | null;
  dagProcessor: "healthy" | "unhealthy" | null;
}

export interface DagCounts {
  total: number;
  active: number;
  paused: number;
  failing: number;
  importErrors: number;
}

export interface RunCounts {
  running: number;
  queued: number;
  failed24h: number;
  succeeded24h: number;
}

/**
 * How much the server knows of one kind of data (issue 11's one rule): `current` only when it came
 * from a successful poll and is not stale; `last-known` when it is older data kept after failures
 * (show it muted, with its age); `unknown` when it never arrived (never show it as fact, nor "None").
 */
export type Knowledge = "current" | "last-known" | "unknown";

/** Knowledge of each kind of data, and when each last arrived (ISO; null: never). */
export interface Freshness {
  health: Knowledge;
  dags: Knowledge;
  runs: Knowledge;
  dagsAt: string | null;
  runsAt: string | null;
}

export interface EnvironmentSummary {
  id: string;
  name: string;
  kind: EnvironmentKind;
  tags: Record<string, string>;
  status: EnvironmentStatus;
  reasons: string[];
  airflowVersion: string | null;
  apiVersion: "v1" | "v2" | null;
  uiUrl: string | null;
  checkedAt: string | null;
  lastSuccessAt: string | null;
  stale: boolean;
  latencyMs: number | null;
  components: Components | null;
  schedulerHeartbeat: string | null;
  platform: { state: string } | null;
  dags: DagCounts | null;
  runs: RunCounts | null;
  error: EnvironmentError | null;
  /** Contract §7: when the current status began; null when unknown. */
  statusSince: string | null;
  /** Contract §7: uptime percent per window (history); all null without history. */
  uptime: Uptime;
  /** What of the above is current, last known or unknown (health's time is `lastSuccessAt`). The server always
   * sends it; optional so hand-built summaries (tests, fixtures) need not. */
  freshness?: Freshness;
  /** Extension (contract §12): set while a freeze holds the environment's DAGs paused. */
  frozen?: { since: string; by: string; dags: number } | null;
}

export interface FleetResponse {
  generatedAt: string;
  /** Extension (contract §7): whether history is being recorded; the server always sends it. */
  history?: HistoryHealth;
  counts: StatusCounts;
  environments: EnvironmentSummary[];
}

/**
 * `event: fleet-changes` of `/api/v1/events?changes=1` (an extension): what changed since the
 * stream's previous message. Applied to that message's fleet it gives the `/fleet` body of now:
 * `changed` replaces environments by id; `order` (every id, worst first) comes only when the set or
 * the order changed, otherwise the previous order stands.
 */
export interface FleetChanges {
  generatedAt: string;
  /** As in FleetResponse (extension, contract §7). */
  history?: HistoryHealth;
  counts: StatusCounts;
  order?: string[];
  changed: EnvironmentSummary[];
}

export interface DagRunDto {
  dagId: string;
  runId: string;
  state: "queued" | "running" | "success" | "failed";
  runType: string;
  logicalDate: string | null;
  startDate: string | null;
  endDate: string | null;
  durationS: number | null;
  url: string | null;
}

export interface ImportErrorDto {
  filename: string;
  timestamp: string | null;
  message: string;
}

export interface EnvironmentDetail extends EnvironmentSummary {
  failingDags: { dagId: string; lastRun: DagRunDto }[];
  recentFailures: DagRunDto[];
  importErrors: ImportErrorDto[];
  /** Extension (history): finished runs counted per UTC hour (by end), last 24 h, hours recorded only. */
  runsPerHour?: RunsHour[];
  /** Extension: health-check latency samples, oldest first (for the latency chart). */
  latencyHistory?: { at: string; ms: number | null }[];
}

export interface DagDto {
  dagId: string;
  paused: boolean;
  tags: string[];
  owners: string[];
  schedule: string | null;
  nextRunAt: string | null;
  lastRun: DagRunDto | null;
  url: string | null;
}

export interface DagListResponse {
  total: number;
  dags: DagDto[];
  /** Extension, with `?limit=` (DAG browser): every tag and owner in the environment, for the filters. */
  facets?: { tags: string[]; owners: string[] };
}

export interface DagRunsResponse {
  runs: DagRunDto[];
}

export interface SearchResult {
  environmentId: string;
  dagId: string;
  paused: boolean;
  lastRunState: DagRunDto["state"] | null;
  url: string | null;
}

export interface SearchResponse {
  results: SearchResult[];
  /** Extension: matches before the cap (SEARCH_RESULTS_MAX). */
  total?: number;
  /** Extension: environments whose DAGs could not be searched (no DAG list yet), with why. */
  unsearched?: { environmentId: string; reason: string }[];
}

export interface ApiErrorBody {
  error: { code: string; message: string };
}

/** Contract §7: uptime percent (two decimals) per window, null without up or down time. */
export interface Uptime {
  "24h": number | null;
  "7d": number | null;
  "30d": number | null;
}

/** Contract §7 `GET /api/v1/incidents`. */
export interface IncidentDto {
  id: string;
  environmentId: string;
  status: EnvironmentStatus;
  reasons: string[];
  startedAt: string;
  endedAt: string | null;
  durationS: number;
}

export interface IncidentsResponse {
  incidents: IncidentDto[];
}

/** Contract §7 `GET /api/v1/environments/{id}/history`. */
export interface HistoryPoint {
  t: string;
  /** Worst status in the step; null for a step without any poll (no data). */
  status: EnvironmentStatus | null;
  up: number | null;
  latencyMs: number | null;
}

export interface HistoryResponse {
  from: string;
  to: string;
  stepS: number;
  points: HistoryPoint[];
  /** Extension: finished runs counted per UTC hour over the window (windows up to 7 days). */
  runsPerHour?: RunsHour[];
}

/** Finished runs of one UTC hour, counted from the runs Flightboard saw (the runs-per-hour chart). */
export interface RunsHour {
  hour: string;
  success: number;
  failed: number;
  other: number;
}

/** Extension of `/fleet`: whether history is being recorded. */
export interface HistoryHealth {
  state: "ok" | "degraded" | "off";
  message: string | null;
}
