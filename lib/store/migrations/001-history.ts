import type { Kysely, Migration } from "kysely";

/** Incidents, last summaries, raw polls and their roll-ups, finished runs and their hourly counts. */
export const migration001History: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable("env_state")
      .addColumn("environment_id", "text", (c) => c.primaryKey())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("status_since", "bigint")
      .addColumn("summary_json", "text", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .execute();

    await db.schema
      .createTable("incidents")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("environment_id", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("reasons_json", "text", (c) => c.notNull())
      .addColumn("started_at", "bigint", (c) => c.notNull())
      .addColumn("ended_at", "bigint")
      .execute();
    await db.schema.createIndex("incidents_env_started").on("incidents").columns(["environment_id", "started_at"]).execute();
    await db.schema.createIndex("incidents_started").on("incidents").column("started_at").execute();
    // Open incidents are read at every start.
    await db.schema.createIndex("incidents_open").on("incidents").column("ended_at").execute();

    await db.schema
      .createTable("samples")
      .addColumn("environment_id", "text", (c) => c.notNull())
      .addColumn("t", "bigint", (c) => c.notNull())
      .addColumn("span_ms", "bigint", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("latency_ms", "integer")
      .addColumn("heartbeat_age_s", "integer")
      .addColumn("components_json", "text")
      .execute();
    await db.schema.createIndex("samples_env_t").on("samples").columns(["environment_id", "t"]).execute();
    await db.schema.createIndex("samples_t").on("samples").column("t").execute();

    for (const table of ["rollup_hourly", "rollup_daily"]) {
      await db.schema
        .createTable(table)
        .addColumn("environment_id", "text", (c) => c.notNull())
        .addColumn("bucket", "bigint", (c) => c.notNull())
        .addColumn("up_ms", "bigint", (c) => c.notNull())
        .addColumn("down_ms", "bigint", (c) => c.notNull())
        .addColumn("nodata_ms", "bigint", (c) => c.notNull())
        .addColumn("worst_status", "text")
        .addColumn("latency_ms", "integer")
        .addColumn("samples", "integer", (c) => c.notNull())
        .addPrimaryKeyConstraint(`${table}_pk`, ["environment_id", "bucket"])
        .execute();
      await db.schema.createIndex(`${table}_bucket`).on(table).column("bucket").execute();
    }

    await db.schema
      .createTable("finished_runs")
      .addColumn("environment_id", "text", (c) => c.notNull())
      .addColumn("dag_id", "text", (c) => c.notNull())
      .addColumn("run_id", "text", (c) => c.notNull())
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("run_type", "text", (c) => c.notNull())
      .addColumn("logical_date", "text")
      .addColumn("start_date", "text")
      .addColumn("end_date", "text")
      .addColumn("end_ms", "bigint", (c) => c.notNull())
      .addColumn("url", "text")
      .addPrimaryKeyConstraint("finished_runs_pk", ["environment_id", "dag_id", "run_id"])
      .execute();
    await db.schema.createIndex("finished_runs_env_end").on("finished_runs").columns(["environment_id", "end_ms"]).execute();
    await db.schema.createIndex("finished_runs_end").on("finished_runs").column("end_ms").execute();

    await db.schema
      .createTable("run_hours")
      .addColumn("environment_id", "text", (c) => c.notNull())
      .addColumn("hour", "bigint", (c) => c.notNull())
      .addColumn("success", "integer", (c) => c.notNull())
      .addColumn("failed", "integer", (c) => c.notNull())
      .addColumn("other", "integer", (c) => c.notNull())
      .addPrimaryKeyConstraint("run_hours_pk", ["environment_id", "hour"])
      .execute();
    await db.schema.createIndex("run_hours_hour").on("run_hours").column("hour").execute();
  },
  async down(): Promise<void> {
    throw new Error("history migrations are forward-only");
  },
};
