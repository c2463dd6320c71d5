/**
 * The tables of the history store, as Kysely sees them. Times are epoch milliseconds (BIGINT) in
 * both backends, so one query works on SQLite and PostgreSQL without date-function dialects.
 */

export interface EnvStateTable {
  environment_id: string;
  status: string;
  /** When the current status began (ms), null while unknown. */
  status_since: number | null;
  /** The last EnvironmentSummary, JSON, for restart continuity. */
  summary_json: string;
  updated_at: number;
}

export interface IncidentTable {
  id: string;
  environment_id: string;
  /** Worst status seen (severity order of contract §4). */
  status: string;
  /** Distinct reasons, JSON array, in the order first seen. */
  reasons_json: string;
  started_at: number;
  ended_at: number | null;
}

/** One poll's outcome; kept for `retention.rawHours`. */
export interface SampleTable {
  environment_id: string;
  t: number;
  /** The time this poll stands for (the health interval): uptime is weighted by it. */
  span_ms: number;
  status: string;
  latency_ms: number | null;
  heartbeat_age_s: number | null;
  components_json: string | null;
}

/** Hourly (`rollup_hourly`) and daily (`rollup_daily`) roll-ups of samples; `bucket` is the UTC start. */
export interface RollupTable {
  environment_id: string;
  bucket: number;
  up_ms: number;
  down_ms: number;
  nodata_ms: number;
  /** Worst status in the bucket, null when it only had no-data polls. */
  worst_status: string | null;
  /** Median health latency of the bucket's polls. */
  latency_ms: number | null;
  samples: number;
}

/** Every finished run seen: success and other for `rawHours` (dedupe of hourly counts), failed longer. */
export interface FinishedRunTable {
  environment_id: string;
  dag_id: string;
  run_id: string;
  state: string;
  run_type: string;
  logical_date: string | null;
  start_date: string | null;
  end_date: string | null;
  /** end_date in ms (start date when a finished run has no end), the hour it counts in. */
  end_ms: number;
  url: string | null;
}

/** Finished runs per environment and UTC hour, by state: the exact runs-per-hour chart. */
export interface RunHourTable {
  environment_id: string;
  hour: number;
  success: number;
  failed: number;
  other: number;
}

export interface StoreTables {
  env_state: EnvStateTable;
  incidents: IncidentTable;
  samples: SampleTable;
  rollup_hourly: RollupTable;
  rollup_daily: RollupTable;
  finished_runs: FinishedRunTable;
  run_hours: RunHourTable;
}
