import type { Kysely, Migration } from "kysely";

/** Alerts, their deliveries and every attempt, and silences (contract §8). */
export const migration002Alerts: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable("alerts")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("rule", "text", (c) => c.notNull())
      .addColumn("environment_id", "text", (c) => c.notNull())
      .addColumn("dag_id", "text")
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("reasons_json", "text", (c) => c.notNull())
      .addColumn("channels_json", "text", (c) => c.notNull())
      .addColumn("repeat_minutes", "integer", (c) => c.notNull())
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("started_at", "bigint", (c) => c.notNull())
      .addColumn("ended_at", "bigint")
      .addColumn("notified_at", "bigint")
      .addColumn("resolved_notified_at", "bigint")
      .addColumn("last_reminder_at", "bigint")
      .execute();
    // Firing alerts are read at every start; resolved ones newest first.
    await db.schema.createIndex("alerts_state").on("alerts").column("state").execute();
    await db.schema.createIndex("alerts_ended").on("alerts").column("ended_at").execute();

    await db.schema
      .createTable("alert_deliveries")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("alert_id", "text")
      .addColumn("channel", "text", (c) => c.notNull())
      .addColumn("type", "text", (c) => c.notNull())
      .addColumn("notification_json", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("attempts", "integer", (c) => c.notNull())
      .addColumn("next_attempt_at", "bigint", (c) => c.notNull())
      .addColumn("last_error", "text")
      .execute();
    await db.schema.createIndex("alert_deliveries_state").on("alert_deliveries").column("state").execute();

    await db.schema
      .createTable("alert_attempts")
      .addColumn("delivery_id", "text", (c) => c.notNull())
      .addColumn("attempt", "integer", (c) => c.notNull())
      .addColumn("alert_id", "text")
      .addColumn("channel", "text", (c) => c.notNull())
      .addColumn("type", "text", (c) => c.notNull())
      .addColumn("at", "bigint", (c) => c.notNull())
      .addColumn("ok", "integer", (c) => c.notNull())
      .addColumn("http_status", "integer")
      .addColumn("error", "text")
      .addPrimaryKeyConstraint("alert_attempts_pk", ["delivery_id", "attempt"])
      .execute();
    await db.schema.createIndex("alert_attempts_alert").on("alert_attempts").column("alert_id").execute();
    await db.schema.createIndex("alert_attempts_at").on("alert_attempts").column("at").execute();

    await db.schema
      .createTable("silences")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("environments_json", "text")
      .addColumn("dags_json", "text")
      .addColumn("until", "bigint", (c) => c.notNull())
      .addColumn("comment", "text", (c) => c.notNull())
      .addColumn("created_by", "text")
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("silences_until").on("silences").column("until").execute();
  },
  async down(): Promise<void> {
    throw new Error("history migrations are forward-only");
  },
};
