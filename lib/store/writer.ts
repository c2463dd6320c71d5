import type { Kysely, Transaction } from "kysely";
import { fromExcluded } from "./db";
import type { EnvStateTable, FinishedRunTable, IncidentTable, SampleTable, StoreTables } from "./schema";

export interface WriterOptions {
  /** How often queued writes are flushed (ms). */
  intervalMs?: number;
  /** Flush early once this many rows wait. */
  batchRows?: number;
  /** Rows (samples + runs) kept while the database fails; beyond it the oldest samples go first. */
  maxQueuedRows?: number;
  /** Longest wait between retries of a failing database (ms). */
  maxBackoffMs?: number;
  onError?: (message: string) => void;
  /** Called inside the flush transaction with the environments whose state was written (replicas' NOTIFY). */
  announce?: (tx: Transaction<StoreTables>, ids: string[]) => Promise<void>;
}

/** What the board shows about history: `degraded` while writes fail or were dropped recently. */
export interface WriterHealth {
  state: "ok" | "degraded";
  queued: number;
  dropped: number;
  lastError: string | null;
  lastFlushAt: number | null;
  failingSince: number | null;
}

const CHUNK = 200;

/**
 * Batched, asynchronous writes: callers enqueue and return at once (the poll loop and requests never
 * wait on the database). Keyed rows (an environment's state, an incident) coalesce, latest wins, so
 * they are never dropped; samples and runs queue up to a bound while the database fails and are
 * retried with backoff. A flush is one transaction: a kill -9 loses at most the batch in flight.
 */
export class StoreWriter {
  private states = new Map<string, EnvStateTable>();
  private incidents = new Map<string, IncidentTable>();
  private samples: SampleTable[] = [];
  private runs = new Map<string, FinishedRunTable>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private backoffMs = 0;
  private retryAt = 0;
  private closed = false;
  private readonly h: WriterHealth = { state: "ok", queued: 0, dropped: 0, lastError: null, lastFlushAt: null, failingSince: null };
  private readonly opts: Required<Omit<WriterOptions, "onError" | "announce">> & Pick<WriterOptions, "onError" | "announce">;
  /** Serializes flushes with maintenance (roll-ups, pruning): SQLite has one writer at a time. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly db: Kysely<StoreTables>, opts: WriterOptions = {}) {
    this.opts = { intervalMs: 1000, batchRows: 2000, maxQueuedRows: 200_000, maxBackoffMs: 30_000, ...opts };
    this.timer = setInterval(() => void this.flush().catch(() => {}), this.opts.intervalMs);
    this.timer.unref();
  }

  putState(row: EnvStateTable): void {
    this.states.set(row.environment_id, row);
  }

  putIncident(row: IncidentTable): void {
    this.incidents.set(row.id, row);
  }

  addSample(row: SampleTable): void {
    this.samples.push(row);
    this.bound();
  }

  addRun(row: FinishedRunTable): void {
    this.runs.set(`${row.environment_id}\u0000${row.dag_id}\u0000${row.run_id}`, row);
    this.bound();
  }

  private queuedRows(): number {
    return this.samples.length + this.runs.size;
  }

  private bound(): void {
    const over = this.queuedRows() - this.opts.maxQueuedRows;
    if (over > 0) {
      // Samples are the cheapest to lose (one poll among many); runs feed exact counts.
      const n = Math.min(over, this.samples.length);
      this.samples.splice(0, n);
      let rest = over - n;
      for (const k of this.runs.keys()) {
        if (rest-- <= 0) break;
        this.runs.delete(k);
      }
      this.h.dropped += over;
      this.h.state = "degraded";
    }
    if (this.queuedRows() >= this.opts.batchRows && !this.flushing && Date.now() >= this.retryAt) void this.flush().catch(() => {});
  }

  health(): WriterHealth {
    return { ...this.h, queued: this.queuedRows() + this.states.size + this.incidents.size };
  }

  /** Runs `fn` between flushes (never concurrently with one). */
  exclusive<T>(fn: (db: Kysely<StoreTables>) => Promise<T>): Promise<T> {
    const next = this.chain.then(() => fn(this.db));
    this.chain = next.catch(() => {});
    return next;
  }

  /** Writes everything queued now. Rejects when the database fails (the rows stay queued). */
  flush(force = false): Promise<void> {
    if (this.flushing) return this.flushing;
    if (!force && Date.now() < this.retryAt) return Promise.resolve();
    if (this.states.size + this.incidents.size + this.queuedRows() === 0) return Promise.resolve();
    const states = this.states;
    const incidents = this.incidents;
    const samples = this.samples;
    const runs = this.runs;
    this.states = new Map();
    this.incidents = new Map();
    this.samples = [];
    this.runs = new Map();
    this.flushing = this.exclusive((db) => db.transaction().execute((tx) => write(tx, states, incidents, samples, runs, this.opts.announce)))
      .then(() => {
        this.h.lastFlushAt = Date.now();
        this.h.lastError = null;
        this.h.failingSince = null;
        this.backoffMs = 0;
        this.retryAt = 0;
        this.h.state = "ok";
      })
      .catch((e: unknown) => {
        // Put the batch back in front of what arrived meanwhile; newer keyed rows win.
        for (const [k, v] of states) if (!this.states.has(k)) this.states.set(k, v);
        for (const [k, v] of incidents) if (!this.incidents.has(k)) this.incidents.set(k, v);
        this.samples = samples.concat(this.samples);
        const merged = new Map(runs);
        for (const [k, v] of this.runs) merged.set(k, v);
        this.runs = merged;
        this.bound();
        const message = e instanceof Error ? e.message : String(e);
        this.h.lastError = message;
        this.h.failingSince ??= Date.now();
        this.h.state = "degraded";
        this.backoffMs = Math.min(this.opts.maxBackoffMs, Math.max(1000, this.backoffMs * 2));
        this.retryAt = Date.now() + this.backoffMs;
        this.opts.onError?.(message);
        throw e;
      })
      .finally(() => {
        this.flushing = null;
      });
    return this.flushing;
  }

  /** Stops the timer and writes what is queued (one last try). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    if (this.flushing) await this.flushing.catch(() => {});
    await this.flush(true).catch(() => {});
    await this.chain;
  }
}

function chunks<T>(rows: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += CHUNK) out.push(rows.slice(i, i + CHUNK));
  return out;
}

async function write(
  tx: Transaction<StoreTables>,
  states: Map<string, EnvStateTable>,
  incidents: Map<string, IncidentTable>,
  samples: SampleTable[],
  runs: Map<string, FinishedRunTable>,
  announce?: (tx: Transaction<StoreTables>, ids: string[]) => Promise<void>,
): Promise<void> {
  // Fencing (several replicas): a replica that lost the lead with rows still queued never overwrites a newer summary.
  for (const part of chunks([...states.values()])) {
    await tx
      .insertInto("env_state")
      .values(part)
      .onConflict((oc) =>
        oc.column("environment_id").doUpdateSet(fromExcluded<EnvStateTable>(["status", "status_since", "summary_json", "updated_at"])).where("env_state.updated_at", "<=", (eb) => eb.ref("excluded.updated_at")),
      )
      .execute();
  }
  if (announce && states.size > 0) await announce(tx, [...states.keys()]);
  for (const part of chunks([...incidents.values()])) {
    await tx
      .insertInto("incidents")
      .values(part)
      .onConflict((oc) =>
        oc.column("id").doUpdateSet(fromExcluded<IncidentTable>(["status", "reasons_json", "ended_at"])),
      )
      .execute();
  }
  for (const part of chunks(samples)) await tx.insertInto("samples").values(part).execute();
  for (const part of chunks([...runs.values()])) {
    await tx
      .insertInto("finished_runs")
      .values(part)
      .onConflict((oc) =>
        oc.columns(["environment_id", "dag_id", "run_id"]).doUpdateSet(fromExcluded<FinishedRunTable>(["state", "end_date", "end_ms", "url"])),
      )
      .execute();
  }
}
