import { randomUUID } from "node:crypto";
import { sql, type Transaction } from "kysely";
import pg from "pg";
import type { EnvironmentConfig } from "@/lib/config/types";
import type { EnvironmentSummary } from "@/lib/monitor/dto";
import type { StoreTables } from "./schema";

/**
 * Several replicas on one PostgreSQL (contract §11): the leader lease and the summary feed.
 *
 * The lease is a row with an expiry set by the database's clock, not a session advisory lock: an
 * advisory lock lives as long as its connection, so a restart of PostgreSQL (or a pooler) drops it
 * and makes every replica race, and a network cut leaves it held until TCP keepalive gives up
 * (minutes) — failover time would depend on kernel settings. A lease row survives a database
 * restart (the leader keeps leading if it renews in time), expires on a clock every replica shares,
 * and its `generation` (bumped on every change of holder) is a fencing token for logs and tests.
 */

export const LEASE_TABLE = "flightboard_lease";
/** The environments the leader's discovery found (one row), so followers list the same ones. */
const DISCOVERED_TABLE = "flightboard_discovered";
/** The lease's (and the discovered row's) name: one leader per database. */
export const LEASE_NAME = "leader";
/**
 * NOTIFY channels: changed environment ids (JSON array; summaries, and DAG caches on their own
 * channel); "the lease was released"; "the discovered
 * environments changed"; "alerting's records changed" (payload `alerts` or `silences`).
 */
export const STATE_CHANNEL = "flightboard_state";
export const LEASE_CHANNEL = "flightboard_lease";
export const DISCOVERED_CHANNEL = "flightboard_discovered";
export const ALERTS_CHANNEL = "flightboard_alerts";
/** Environment ids (JSON array) whose DAG cache the leader stored (lib/store/dag-cache.ts). */
export const DAGS_CHANNEL = "flightboard_dags";
export type AlertsChange = "alerts" | "silences";
/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more; stay well below. */
const MAX_PAYLOAD = 7_000;

/**
 * A replica's own one-connection pool: lease renewals must never queue behind history's batched
 * writes, nor behind a large DAG cache write (lib/store/dag-cache.ts, with a longer query timeout).
 */
export function replicationPool(url: string, queryTimeoutMs = 4_000): pg.Pool {
  const p = new pg.Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 3_000, query_timeout: queryTimeoutMs } as pg.PoolConfig);
  p.on("error", () => {});
  p.on("connect", (client) => client.on("error", () => {}));
  return p;
}

export interface LeaseResult {
  held: boolean;
  generation: number | null;
}

export class LeaderLease {
  readonly holder = randomUUID();
  private readonly pool: pg.Pool;
  private ready = false;

  constructor(url: string, private readonly name = LEASE_NAME) {
    this.pool = replicationPool(url);
  }

  /** Takes the lease if it is free or expired, renews it if this replica holds it. Throws when the database does not answer. */
  async acquire(ttlMs: number): Promise<LeaseResult> {
    if (!this.ready) {
      await this.pool.query(`CREATE TABLE IF NOT EXISTS ${LEASE_TABLE} (name TEXT PRIMARY KEY, holder TEXT NOT NULL, generation BIGINT NOT NULL, expires_at TIMESTAMPTZ NOT NULL)`);
      this.ready = true;
    }
    const r = await this.pool.query<{ generation: string }>(
      `INSERT INTO ${LEASE_TABLE} (name, holder, generation, expires_at) VALUES ($1, $2, 1, clock_timestamp() + $3 * interval '1 millisecond')
       ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at,
         generation = CASE WHEN ${LEASE_TABLE}.holder = EXCLUDED.holder THEN ${LEASE_TABLE}.generation ELSE ${LEASE_TABLE}.generation + 1 END
       WHERE ${LEASE_TABLE}.holder = EXCLUDED.holder OR ${LEASE_TABLE}.expires_at < clock_timestamp()
       RETURNING generation`,
      [this.name, this.holder, Math.round(ttlMs)],
    );
    return r.rows.length ? { held: true, generation: Number(r.rows[0].generation) } : { held: false, generation: null };
  }

  /**
   * Stores the environments discovery found and announces them, only while this replica holds the
   * lease (fencing: a leader that lost it cannot overwrite what the new one found). False if it did not.
   */
  async publishDiscovered(envs: EnvironmentConfig[]): Promise<boolean> {
    const c = await this.pool.connect();
    try {
      await c.query(`CREATE TABLE IF NOT EXISTS ${DISCOVERED_TABLE} (name TEXT PRIMARY KEY, environments_json TEXT NOT NULL, updated_at TIMESTAMPTZ NOT NULL)`);
      await c.query("BEGIN");
      const r = await c.query(
        `INSERT INTO ${DISCOVERED_TABLE} (name, environments_json, updated_at)
         SELECT $1, $2, clock_timestamp() WHERE EXISTS (SELECT 1 FROM ${LEASE_TABLE} WHERE name = $1 AND holder = $3 AND expires_at > clock_timestamp())
         ON CONFLICT (name) DO UPDATE SET environments_json = EXCLUDED.environments_json, updated_at = EXCLUDED.updated_at`,
        [this.name, JSON.stringify(envs), this.holder],
      );
      if (r.rowCount) await c.query(`SELECT pg_notify($1, $2)`, [DISCOVERED_CHANNEL, this.name]);
      await c.query("COMMIT");
      return Boolean(r.rowCount);
    } catch (e) {
      await c.query("ROLLBACK").catch(() => {});
      throw e;
    } finally {
      c.release();
    }
  }

  /** Tells every replica that alerting's records changed (best effort: followers also reload every 30 s). */
  async announceAlerts(what: AlertsChange): Promise<void> {
    await this.pool.query(`SELECT pg_notify($1, $2)`, [ALERTS_CHANNEL, what]);
  }

  /** Gives the lease up at once (SIGTERM) and tells the followers, so one takes over without waiting for the expiry. */
  async release(): Promise<void> {
    await this.pool.query(`UPDATE ${LEASE_TABLE} SET expires_at = clock_timestamp() - interval '1 second' WHERE name = $1 AND holder = $2`, [this.name, this.holder]);
    await this.pool.query(`SELECT pg_notify($1, $2)`, [LEASE_CHANNEL, this.name]);
  }

  close(): Promise<void> {
    return this.pool.end().catch(() => {});
  }
}

/** Ids as NOTIFY payloads, each a JSON array under PostgreSQL's limit. */
export function idPayloads(ids: string[]): string[] {
  const out: string[] = [];
  let cur: string[] = [];
  let size = 2;
  for (const id of ids) {
    const n = JSON.stringify(id).length + 1;
    if (n + 2 > MAX_PAYLOAD) continue; // an id this long cannot be announced; the periodic reload covers it
    if (size + n > MAX_PAYLOAD && cur.length) {
      out.push(JSON.stringify(cur));
      cur = [];
      size = 2;
    }
    cur.push(id);
    size += n;
  }
  if (cur.length) out.push(JSON.stringify(cur));
  return out;
}

/** Announces changed summaries inside the writer's transaction: delivered only if the rows commit. */
export async function announceStates(tx: Transaction<StoreTables>, ids: string[]): Promise<void> {
  for (const p of idPayloads(ids)) await sql`SELECT pg_notify(${STATE_CHANNEL}, ${p})`.execute(tx);
}

export interface StateFeedOptions {
  url: string;
  /** Summaries read after an announcement (or all of them after a (re)connect or the periodic reload). */
  onSummaries: (s: EnvironmentSummary[]) => void;
  /** The leader's discovered environments (read before the summaries, which may belong to them). */
  onDiscovered?: (envs: EnvironmentConfig[]) => void;
  /** Alerting's records changed (announced by whoever wrote them), or a (re)connect: read them again. */
  onAlerts?: (what: AlertsChange) => void;
  /** The DAG caches of these environments changed (null: check them all, after a (re)connect or the periodic reload). */
  onDags?: (ids: string[] | null) => void;
  /** The lease was released: a follower should try to take it now. */
  onLeaseReleased?: () => void;
  /** A full reload this often, in case a notification was lost (ms). */
  reloadMs?: number;
  onError?: (message: string) => void;
}

/**
 * A follower's view of the leader's summaries: LISTEN on a dedicated connection, read the announced
 * rows, reconnect (and reload everything) when the connection drops, e.g. a PostgreSQL restart.
 */
export class StateFeed {
  private client: pg.Client | null = null;
  private closed = false;
  private retry: NodeJS.Timeout | null = null;
  private reload: NodeJS.Timeout | null = null;
  private backoff = 500;
  /** Since when the feed has had no connection (ms epoch); null while connected or before the first attempt. */
  private lostSince: number | null = null;

  constructor(private readonly opts: StateFeedOptions) {}

  /** Null while the feed hears the leader; otherwise since when it has not (the snapshot kept since then). */
  get disconnectedSince(): number | null {
    return this.client ? null : this.lostSince;
  }

  start(): void {
    void this.connect();
    this.reload = setInterval(() => void this.read(null), this.opts.reloadMs ?? 30_000);
    this.reload.unref();
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const c = new pg.Client({ connectionString: this.opts.url, connectionTimeoutMillis: 3_000 });
    c.on("error", () => this.lost(c));
    c.on("end", () => this.lost(c));
    c.on("notification", (n) => {
      if (n.channel === LEASE_CHANNEL) return this.opts.onLeaseReleased?.();
      if (n.channel === ALERTS_CHANNEL) return this.opts.onAlerts?.(n.payload === "silences" ? "silences" : "alerts");
      if (n.channel === DISCOVERED_CHANNEL) return void this.read(null);
      let ids: string[] | null = null;
      try {
        const v = JSON.parse(n.payload ?? "[]") as unknown;
        if (Array.isArray(v)) ids = v.filter((x): x is string => typeof x === "string");
      } catch {
        // Unreadable: everything is checked.
      }
      if (n.channel === DAGS_CHANNEL) this.opts.onDags?.(ids);
      else void this.read(ids);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${STATE_CHANNEL}`);
      await c.query(`LISTEN ${LEASE_CHANNEL}`);
      await c.query(`LISTEN ${DISCOVERED_CHANNEL}`);
      await c.query(`LISTEN ${ALERTS_CHANNEL}`);
      await c.query(`LISTEN ${DAGS_CHANNEL}`);
      this.client = c;
      this.lostSince = null;
      this.backoff = 500;
      // Whatever changed while we were not listening.
      await this.read(null);
      this.opts.onAlerts?.("alerts");
    } catch (e) {
      this.opts.onError?.(`replica feed: ${e instanceof Error ? e.message : String(e)}`);
      this.lost(c);
    }
  }

  private lost(c: pg.Client): void {
    if (this.client === c) this.client = null;
    this.lostSince ??= Date.now();
    c.removeAllListeners("end");
    c.on("error", () => {});
    void c.end().catch(() => {});
    if (this.closed || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.connect();
    }, this.backoff);
    this.retry.unref();
    this.backoff = Math.min(this.backoff * 2, 5_000);
  }

  /** Reads the given environments' rows (all with null) and hands their summaries over. */
  private async read(ids: string[] | null): Promise<void> {
    const c = this.client;
    if (!c || (ids && ids.length === 0)) return;
    try {
      if (!ids) await this.readDiscovered(c);
      const r = ids
        ? await c.query<{ summary_json: string }>("SELECT summary_json FROM env_state WHERE environment_id = ANY($1)", [ids])
        : await c.query<{ summary_json: string }>("SELECT summary_json FROM env_state");
      const out: EnvironmentSummary[] = [];
      for (const row of r.rows) {
        try {
          out.push(JSON.parse(row.summary_json) as EnvironmentSummary);
        } catch {
          // An unreadable row keeps the summary shown before.
        }
      }
      if (out.length) this.opts.onSummaries(out);
      // After the summaries, so the environments they name exist.
      if (!ids) this.opts.onDags?.(null);
    } catch (e) {
      this.opts.onError?.(`replica feed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private async readDiscovered(c: pg.Client): Promise<void> {
    if (!this.opts.onDiscovered) return;
    try {
      const r = await c.query<{ environments_json: string }>(`SELECT environments_json FROM ${DISCOVERED_TABLE} WHERE name = $1`, [LEASE_NAME]);
      const envs = r.rows.length ? (JSON.parse(r.rows[0].environments_json) as unknown) : [];
      if (Array.isArray(envs)) this.opts.onDiscovered(envs as EnvironmentConfig[]);
    } catch (e) {
      // No table yet: no leader has discovered anything.
      if ((e as { code?: string }).code !== "42P01") throw e;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    if (this.reload) clearInterval(this.reload);
    const c = this.client;
    this.client = null;
    if (c) await c.end().catch(() => {});
  }
}
