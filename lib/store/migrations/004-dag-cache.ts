import { createTable, forwardOnly } from "./ddl";

/**
 * The leader's DAG cache, for follower replicas (contract §11; lib/store/dag-cache.ts). One row per
 * environment, each part in its own column so a change rewrites only that part (PostgreSQL keeps an
 * unchanged large value where it is); `version` is bumped on every write (a follower's periodic
 * check reads only it), `runs_version` is the newest per-DAG row's and `runs_base` the last full
 * rewrite's. One row per DAG for its latest runs, so a runs poll writes only the DAGs whose runs
 * changed. Created with SQLite too (one schema), where nothing writes it.
 */
export const migration004DagCache = forwardOnly(async (db) => {
  await createTable(db, "dag_cache", "environment_id text primary key, version bigint not null, dags_hash text, dags_json text, meta_json text, latency_json text, runs_version bigint not null, runs_base bigint not null, updated_at bigint not null");
  await createTable(db, "dag_cache_runs", "environment_id text not null, dag_id text not null, version bigint not null, runs_json text not null", { primaryKey: ["environment_id", "dag_id"], indexes: ["dag_cache_runs_version(environment_id, version)"] });
});
