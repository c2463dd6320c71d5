/**
 * The one domain model every connector reshapes Airflow (v1 and v2), MWAA and Composer payloads into.
 * Nothing outside `lib/airflow` ever sees a raw upstream payload.
 */
import type { EnvironmentKind } from "../vocabulary";

export type ApiVersion = "v1" | "v2";
export type ComponentState = "healthy" | "unhealthy" | null;
export type DagRunState = "queued" | "running" | "success" | "failed";

/** Health of the Airflow components, from `/health` (v1) or `/api/v2/monitor/health` (v2). */
export interface Health {
  metadatabase: ComponentState;
  scheduler: ComponentState;
  triggerer: ComponentState;
  dagProcessor: ComponentState;
  /** ISO-8601 UTC with `Z`, or null. */
  schedulerHeartbeat: string | null;
  triggererHeartbeat: string | null;
  dagProcessorHeartbeat: string | null;
  /** `cli`: from `airflow jobs check` (alive or not, never a heartbeat time); absent: the REST health endpoint. */
  source?: "cli";
}

export interface VersionInfo {
  version: string;
  gitVersion: string | null;
}

export interface Dag {
  dagId: string;
  displayName: string | null;
  paused: boolean;
  /** v1 `is_active`; v2 `!is_stale`. */
  active: boolean;
  tags: string[];
  owners: string[];
  /** v1 `schedule_interval` rendered as text; v2 `timetable_summary`. */
  schedule: string | null;
  /** v1 `next_dagrun`; v2 `next_dagrun_logical_date` (falls back to `next_dagrun_run_after`). ISO `Z` or null. */
  nextRunAt: string | null;
  /**
   * When the scheduler will create the next run: v1 `next_dagrun_create_after`, v2
   * `next_dagrun_run_after` (expectations' `scheduleMissedMinutes`). Optional for hand-built DAGs.
   */
  nextRunAfter?: string | null;
  hasImportErrors: boolean;
}

export interface DagRun {
  dagId: string;
  runId: string;
  state: DagRunState;
  runType: string;
  /** ISO `Z` or null (v2 `logical_date` is nullable). */
  logicalDate: string | null;
  startDate: string | null;
  endDate: string | null;
  /** Last change of the run; v1 has no such field, so connectors use `end_date ?? start_date ?? logical_date`. */
  updatedAt: string | null;
}

export interface ImportError {
  id: number | string;
  filename: string;
  timestamp: string | null;
  /** The whole stack trace as Airflow reports it. */
  stackTrace: string;
}

/** A page of a list endpoint; `total` is Airflow's `total_entries`. */
export interface Page<T> {
  items: T[];
  total: number;
}

/**
 * What a control-plane state means for monitoring, decided by the connector that knows the kind's
 * states: `broken` (the web server is not called; the environment is unhealthy), `transition`
 * (creating, updating…: degraded) or `ok`.
 */
export type PlatformClass = "ok" | "transition" | "broken";

/** Control-plane state of a managed environment (MWAA `Status`, Composer `state`). */
export interface PlatformInfo {
  /** The raw state, as the control plane spells it (`AVAILABLE`, `UPDATING`, `ERROR`). */
  state: string;
  class: PlatformClass;
  /** How reasons name the platform: `MWAA environment`, `Composer environment` (`… is UPDATING`). */
  label: string;
  /** The Airflow UI base URL the control plane reports (MWAA `https://{WebserverUrl}`, Composer `airflowUri`). */
  uiUrl: string | null;
  airflowVersion: string | null;
  /** Extra human detail, e.g. MWAA `LastUpdate.Error.ErrorMessage`. */
  detail?: string | null;
}

export interface ListRunsQuery {
  /** Only runs updated at or after this instant (ISO `Z`); the incremental cursor. */
  updatedAtGte?: string;
  /** Only runs that started at or after this instant. */
  startDateGte?: string;
  offset: number;
  limit: number;
  /** Newest first by start date when true. */
  newestFirst?: boolean;
  /** Only runs in one of these states. */
  states?: DagRunState[];
}

/**
 * One environment's access to Airflow, whatever its kind. Every method takes an AbortSignal and
 * rejects only with an `AirflowError`.
 */
export interface Connector {
  readonly kind: EnvironmentKind;
  /** Control-plane state; `null` for kind `airflow`. Called once per health cycle, before `getHealth`. */
  getPlatform(signal: AbortSignal): Promise<PlatformInfo | null>;
  getHealth(signal: AbortSignal): Promise<Health>;
  getVersion(signal: AbortSignal): Promise<VersionInfo>;
  /** The API version in use once detected (after the first successful call), else null. */
  apiVersion(): ApiVersion | null;
  /** The Airflow UI base (no trailing slash) once known. */
  uiUrl(): string | null;
  listDags(page: { offset: number; limit: number }, signal: AbortSignal): Promise<Page<Dag>>;
  /** Runs across all DAGs (`dag_id=~`), oldest update first, for incremental polling. */
  listRuns(query: ListRunsQuery, signal: AbortSignal): Promise<Page<DagRun>>;
  listImportErrors(page: { offset: number; limit: number }, signal: AbortSignal): Promise<Page<ImportError>>;
  /** One DAG's runs, newest first. Rejects with kind `not_found` for an unknown DAG. */
  listDagRuns(dagId: string, limit: number, signal: AbortSignal): Promise<DagRun[]>;
  /**
   * Actions (contract §12), sent once through the same transport as the reads; absent when this
   * access cannot write. Reject with an `AirflowError` (`not_found` for an unknown DAG or run).
   */
  triggerRun?(dagId: string, input: { conf: Record<string, unknown>; note?: string | null }, signal: AbortSignal): Promise<DagRun>;
  /** Clears the run's failed task instances; resolves with how many Airflow cleared. */
  clearFailed?(dagId: string, runId: string, signal: AbortSignal): Promise<number>;
  setPaused?(dagId: string, paused: boolean, signal: AbortSignal): Promise<Dag>;
  /** What this access cannot know, in plain words (e.g. the Airflow CLI gives no heartbeat ages); shown among reasons. */
  limitations?(): string[];
  /** Release timers and sockets. */
  close?(): void;
}
