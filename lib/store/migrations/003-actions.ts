import type { Kysely, Migration } from "kysely";

/** The audit log of actions and the freezes of environments (contract §12). */
export const migration003Actions: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // One row per action: written as intent before the call (ok NULL), completed with Airflow's answer.
    await db.schema
      .createTable("audit_log")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("at", "bigint", (c) => c.notNull())
      .addColumn("actor", "text", (c) => c.notNull())
      .addColumn("action", "text", (c) => c.notNull())
      .addColumn("environment_id", "text", (c) => c.notNull())
      .addColumn("dag_id", "text")
      .addColumn("run_id", "text")
      .addColumn("detail_json", "text")
      .addColumn("ok", "integer")
      .addColumn("http_status", "integer")
      .addColumn("message", "text")
      .addColumn("finished_at", "bigint")
      .execute();
    await db.schema.createIndex("audit_log_env_at").on("audit_log").columns(["environment_id", "at"]).execute();
    await db.schema.createIndex("audit_log_at").on("audit_log").column("at").execute();

    // A frozen environment: exactly the DAGs the freeze paused, so a thaw resumes only those.
    await db.schema
      .createTable("freezes")
      .addColumn("environment_id", "text", (c) => c.primaryKey())
      .addColumn("dag_ids_json", "text", (c) => c.notNull())
      .addColumn("frozen_at", "bigint", (c) => c.notNull())
      .addColumn("frozen_by", "text", (c) => c.notNull())
      .execute();
  },
  async down(): Promise<void> {
    throw new Error("history migrations are forward-only");
  },
};
