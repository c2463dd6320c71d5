import { createTable, forwardOnly } from "./ddl";

/** Incidents, last summaries, raw polls and their roll-ups, finished runs and their hourly counts. */
export const migration001History = forwardOnly(async (db) => {
  await createTable(db, "env_state", "environment_id text primary key, status text not null, status_since bigint, summary_json text not null, updated_at bigint not null");
  // Open incidents (ended_at) are read at every start.
  await createTable(db, "incidents", "id text primary key, environment_id text not null, status text not null, reasons_json text not null, started_at bigint not null, ended_at bigint", {
    indexes: ["incidents_env_started(environment_id, started_at)", "incidents_started(started_at)", "incidents_open(ended_at)"],
  });
  await createTable(db, "samples", "environment_id text not null, t bigint not null, span_ms bigint not null, status text not null, latency_ms integer, heartbeat_age_s integer, components_json text", {
    indexes: ["samples_env_t(environment_id, t)", "samples_t(t)"],
  });
  for (const table of ["rollup_hourly", "rollup_daily"]) {
    await createTable(db, table, "environment_id text not null, bucket bigint not null, up_ms bigint not null, down_ms bigint not null, nodata_ms bigint not null, worst_status text, latency_ms integer, samples integer not null", {
      primaryKey: ["environment_id", "bucket"],
      indexes: [`${table}_bucket(bucket)`],
    });
  }
  await createTable(db, "finished_runs", "environment_id text not null, dag_id text not null, run_id text not null, state text not null, run_type text not null, logical_date text, start_date text, end_date text, end_ms bigint not null, url text", {
    primaryKey: ["environment_id", "dag_id", "run_id"],
    indexes: ["finished_runs_env_end(environment_id, end_ms)", "finished_runs_end(end_ms)"],
  });
  await createTable(db, "run_hours", "environment_id text not null, hour bigint not null, success integer not null, failed integer not null, other integer not null", {
    primaryKey: ["environment_id", "hour"],
    indexes: ["run_hours_hour(hour)"],
  });
});
