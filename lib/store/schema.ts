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

/** One alert (contract §8); times in ms. */
export interface AlertTable {
  id: string;
  rule: string;
  environment_id: string;
  dag_id: string | null;
  status: string;
  reasons_json: string;
  channels_json: string;
  repeat_minutes: number;
  state: string;
  started_at: number;
  ended_at: number | null;
  notified_at: number | null;
  resolved_notified_at: number | null;
  last_reminder_at: number | null;
}

/** One notification to one channel, with what to send, until it is sent or given up. */
export interface AlertDeliveryTable {
  id: string;
  alert_id: string | null;
  channel: string;
  type: string;
  notification_json: string;
  created_at: number;
  state: string;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
}

/** Every attempt of every delivery; `ok` is 0 or 1 (one type in both backends). */
export interface AlertAttemptTable {
  delivery_id: string;
  attempt: number;
  alert_id: string | null;
  channel: string;
  type: string;
  at: number;
  ok: number;
  http_status: number | null;
  error: string | null;
}

export interface SilenceTable {
  id: string;
  environments_json: string | null;
  dags_json: string | null;
  until: number;
  comment: string;
  created_by: string | null;
  created_at: number;
}

export interface AuditTable {
  id: string;
  at: number;
  actor: string;
  action: string;
  environment_id: string;
  dag_id: string | null;
  run_id: string | null;
  detail_json: string | null;
  ok: number | null;
  http_status: number | null;
  message: string | null;
  finished_at: number | null;
}

export interface FreezeTable {
  environment_id: string;
  dag_ids_json: string;
  frozen_at: number;
  frozen_by: string;
}

export interface StoreTables {
  env_state: EnvStateTable;
  incidents: IncidentTable;
  samples: SampleTable;
  rollup_hourly: RollupTable;
  rollup_daily: RollupTable;
  finished_runs: FinishedRunTable;
  run_hours: RunHourTable;
  alerts: AlertTable;
  alert_deliveries: AlertDeliveryTable;
  alert_attempts: AlertAttemptTable;
  silences: SilenceTable;
  audit_log: AuditTable;
  freezes: FreezeTable;
}

type Field<T> = keyof T & string;

/**
 * Maps a record to its row and back, field by field: `fooBar` ↔ `foo_bar`; `json` fields ↔
 * `foo_bar_json` text (absent ↔ NULL); `numbers` come back as numbers whatever the driver answers;
 * `flags` are stored as 0/1. Only the listed fields are mapped, in both directions.
 */
export function rowCodec<T extends object, R extends object>(fields: readonly Field<T>[], kinds: { json?: Field<T>[]; numbers?: Field<T>[]; flags?: Field<T>[] }) {
  const json = new Set<string>(kinds.json);
  const numbers = new Set<string>(kinds.numbers);
  const flags = new Set<string>(kinds.flags);
  const column = (f: string) => f.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) + (json.has(f) ? "_json" : "");
  return {
    row(record: T): R {
      const out: Record<string, unknown> = {};
      for (const f of fields) {
        const v = (record as Record<string, unknown>)[f] ?? null;
        out[column(f)] = v === null ? null : json.has(f) ? JSON.stringify(v) : flags.has(f) ? (v ? 1 : 0) : v;
      }
      return out as R;
    },
    record(row: R): T {
      const out: Record<string, unknown> = {};
      for (const f of fields) {
        const v = (row as Record<string, unknown>)[column(f)];
        if (json.has(f)) out[f] = v === null ? undefined : JSON.parse(v as string);
        else out[f] = v === null ? null : numbers.has(f) ? Number(v) : flags.has(f) ? Number(v) === 1 : v;
      }
      return out as T;
    },
  };
}
