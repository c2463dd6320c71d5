import { createTable, forwardOnly } from "./ddl";

/** The audit log of actions and the freezes of environments (contract §12). */
export const migration003Actions = forwardOnly(async (db) => {
  // One row per action: written as intent before the call (ok NULL), completed with Airflow's answer.
  await createTable(db, "audit_log", "id text primary key, at bigint not null, actor text not null, action text not null, environment_id text not null, dag_id text, run_id text, detail_json text, ok integer, http_status integer, message text, finished_at bigint", { indexes: ["audit_log_env_at(environment_id, at)", "audit_log_at(at)"] });
  // A frozen environment: exactly the DAGs the freeze paused, so a thaw resumes only those.
  await createTable(db, "freezes", "environment_id text primary key, dag_ids_json text not null, frozen_at bigint not null, frozen_by text not null");
});
