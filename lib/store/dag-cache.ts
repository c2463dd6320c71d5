import type pg from "pg";
import { DAGS_CHANNEL, idPayloads, LEASE_NAME, LEASE_TABLE, replicationPool } from "./replication";

/**
 * The leader's DAG cache in PostgreSQL, for follower replicas (contract §11; tables of migration
 * 004). The leader writes only what changed, in a transaction that commits only while it holds the
 * lease (fencing: a replica that lost the lease writes nothing), and announces the environment ids; followers read
 * the parts that differ from what they hold. Everything here is text: the monitor's records are
 * serialized by lib/server/replica-dags.ts.
 */

/** One environment's changes; absent parts are unchanged. */
export interface DagCacheChange {
  id: string;
  dags?: { hash: string; json: string };
  meta?: string;
  latency?: string;
  /** Per-DAG runs: `full` deletes the environment's rows first; `remove` deletes DAGs with none left. */
  runs?: { full: boolean; upsert: [dagId: string, json: string][]; remove: string[] };
}

export interface DagCacheRow {
  id: string;
  version: number;
  dagsHash: string | null;
  /** Only when its hash differs from the one the reader holds. */
  dagsJson: string | null;
  metaJson: string | null;
  latencyJson: string | null;
  runsVersion: number;
  runsBase: number;
}

export interface DagRunsRow {
  dagId: string;
  version: number;
  json: string;
}

/** Bytes of text written by the last `write` (figures for logs and tests). */
export interface DagCacheWritten {
  environments: number;
  runRows: number;
  bytes: number;
}

export class DagCacheStore {
  private readonly pool: pg.Pool;
  lastWrite: DagCacheWritten = { environments: 0, runRows: 0, bytes: 0 };

  constructor(url: string) {
    // Its own connection: a large DAG list never delays lease renewals or the summary feed.
    this.pool = replicationPool(url, 30_000);
  }

  /**
   * Writes the changes and announces their ids in one transaction, only while `holder` holds the
   * lease. Returns each environment's versions after the write, or null when the lease is not held.
   */
  async write(holder: string, changes: DagCacheChange[], now: number): Promise<Map<string, { version: number; runsVersion: number }> | null> {
    const c = await this.pool.connect();
    const versions = new Map<string, { version: number; runsVersion: number }>();
    const written: DagCacheWritten = { environments: changes.length, runRows: 0, bytes: 0 };
    // Checked first and again just before the commit, without a lock on the lease row: a lock would
    // make the leader's renewal (and a takeover) wait for a slow write. The leader steps down 5 s
    // before its lease expires, far longer than the gap between the last check and the commit.
    const held = async () => (await c.query(`SELECT 1 FROM ${LEASE_TABLE} WHERE name = $1 AND holder = $2 AND expires_at > clock_timestamp()`, [LEASE_NAME, holder])).rowCount === 1;
    try {
      await c.query("BEGIN");
      if (!(await held())) {
        await c.query("ROLLBACK");
        return null;
      }
      for (const ch of changes) {
        const r = ch.runs;
        const head = await c.query<{ version: string; runs_version: string }>(
          `INSERT INTO dag_cache AS c (environment_id, version, dags_hash, dags_json, meta_json, latency_json, runs_version, runs_base, updated_at)
           VALUES ($1, 1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (environment_id) DO UPDATE SET version = c.version + 1,
             dags_hash = COALESCE(EXCLUDED.dags_hash, c.dags_hash), dags_json = COALESCE(EXCLUDED.dags_json, c.dags_json),
             meta_json = COALESCE(EXCLUDED.meta_json, c.meta_json), latency_json = COALESCE(EXCLUDED.latency_json, c.latency_json),
             runs_version = c.runs_version + EXCLUDED.runs_version,
             runs_base = CASE WHEN EXCLUDED.runs_base > 0 THEN c.runs_version + 1 ELSE c.runs_base END,
             updated_at = EXCLUDED.updated_at
           RETURNING version, runs_version`,
          [ch.id, ch.dags?.hash ?? null, ch.dags?.json ?? null, ch.meta ?? null, ch.latency ?? null, r ? 1 : 0, r?.full ? 1 : 0, now],
        );
        const version = Number(head.rows[0].runs_version);
        versions.set(ch.id, { version: Number(head.rows[0].version), runsVersion: version });
        written.bytes += (ch.dags?.json.length ?? 0) + (ch.meta?.length ?? 0) + (ch.latency?.length ?? 0);
        if (!r) continue;
        if (r.full) await c.query("DELETE FROM dag_cache_runs WHERE environment_id = $1", [ch.id]);
        else if (r.remove.length) await c.query("DELETE FROM dag_cache_runs WHERE environment_id = $1 AND dag_id = ANY($2)", [ch.id, r.remove]);
        if (r.upsert.length) {
          await c.query(
            `INSERT INTO dag_cache_runs (environment_id, dag_id, version, runs_json) SELECT $1, d, $2, j FROM unnest($3::text[], $4::text[]) AS t(d, j)
             ON CONFLICT (environment_id, dag_id) DO UPDATE SET version = EXCLUDED.version, runs_json = EXCLUDED.runs_json`,
            [ch.id, version, r.upsert.map((u) => u[0]), r.upsert.map((u) => u[1])],
          );
        }
        written.runRows += r.upsert.length;
        for (const [, json] of r.upsert) written.bytes += json.length;
      }
      for (const p of idPayloads(changes.map((ch) => ch.id))) await c.query("SELECT pg_notify($1, $2)", [DAGS_CHANNEL, p]);
      if (!(await held())) {
        await c.query("ROLLBACK");
        return null;
      }
      await c.query("COMMIT");
      this.lastWrite = written;
      return versions;
    } catch (e) {
      await c.query("ROLLBACK").catch(() => {});
      throw e;
    } finally {
      c.release();
    }
  }

  /** Each stored environment's version (a follower's periodic check for what it missed). */
  async versions(): Promise<Map<string, number>> {
    const r = await this.pool.query<{ environment_id: string; version: string }>("SELECT environment_id, version FROM dag_cache");
    return new Map(r.rows.map((row) => [row.environment_id, Number(row.version)]));
  }

  /** One environment's row; the DAG list only when its hash is not `knownHash`. Null when none is stored. */
  async read(id: string, knownHash: string | null): Promise<DagCacheRow | null> {
    const r = await this.pool.query<Record<string, string | null>>(
      `SELECT version, dags_hash, CASE WHEN dags_hash IS DISTINCT FROM $2 THEN dags_json END AS dags_json, meta_json, latency_json, runs_version, runs_base
       FROM dag_cache WHERE environment_id = $1`,
      [id, knownHash],
    );
    const row = r.rows[0];
    if (!row) return null;
    return {
      id,
      version: Number(row.version),
      dagsHash: row.dags_hash,
      dagsJson: row.dags_json,
      metaJson: row.meta_json,
      latencyJson: row.latency_json,
      runsVersion: Number(row.runs_version),
      runsBase: Number(row.runs_base),
    };
  }

  /** The environment's per-DAG rows written after version `since`. */
  async runs(id: string, since: number): Promise<DagRunsRow[]> {
    const r = await this.pool.query<{ dag_id: string; version: string; runs_json: string }>(
      "SELECT dag_id, version, runs_json FROM dag_cache_runs WHERE environment_id = $1 AND version > $2",
      [id, since],
    );
    return r.rows.map((row) => ({ dagId: row.dag_id, version: Number(row.version), json: row.runs_json }));
  }

  close(): Promise<void> {
    return this.pool.end().catch(() => {});
  }
}
