import { createTable, forwardOnly } from "./ddl";

/** Alerts, their deliveries and every attempt, and silences (contract §8). */
export const migration002Alerts = forwardOnly(async (db) => {
  // Firing alerts (state) are read at every start; resolved ones newest first (ended_at).
  await createTable(db, "alerts", "id text primary key, rule text not null, environment_id text not null, dag_id text, status text not null, reasons_json text not null, channels_json text not null, repeat_minutes integer not null, state text not null, started_at bigint not null, ended_at bigint, notified_at bigint, resolved_notified_at bigint, last_reminder_at bigint", { indexes: ["alerts_state(state)", "alerts_ended(ended_at)"] });
  await createTable(db, "alert_deliveries", "id text primary key, alert_id text, channel text not null, type text not null, notification_json text not null, created_at bigint not null, state text not null, attempts integer not null, next_attempt_at bigint not null, last_error text", { indexes: ["alert_deliveries_state(state)"] });
  await createTable(db, "alert_attempts", "delivery_id text not null, attempt integer not null, alert_id text, channel text not null, type text not null, at bigint not null, ok integer not null, http_status integer, error text", {
    primaryKey: ["delivery_id", "attempt"],
    indexes: ["alert_attempts_alert(alert_id)", "alert_attempts_at(at)"],
  });
  await createTable(db, "silences", "id text primary key, environments_json text, dags_json text, until bigint not null, comment text not null, created_by text, created_at bigint not null", {
    indexes: ["silences_until(until)"],
  });
});
