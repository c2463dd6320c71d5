import { AirflowError, isAirflowError } from "../errors";
import { sleep } from "../mwaa/rate-limit";
import { singleFlight } from "../single-flight";
import type { DagRun, ListRunsQuery, Page } from "../types";

/**
 * The Airflow CLI has no fleet-wide run listing (`dags list-runs` needs `-d {dag}`), so a CLI
 * environment's runs are read one DAG at a time and kept here; the connector's `listRuns` answers
 * the monitor's queries (counts, failures, the incremental cursor) from this cache.
 *
 * Cost is bounded: one sweep lists each DAG of `dags list` once (paused ones too, so the run counts
 * are those the REST API would give), its calls spaced evenly over `spreadMs`
 * (most of `refresh.runs`) with at most `concurrency` in flight, so an environment with 200 DAGs
 * makes 200 small calls per runs cycle at a steady pace instead of 200 at once. The very first
 * sweep is not spaced (only capped): until it ends nothing is known about runs at all.
 */

export interface RunCacheOptions {
  /** One DAG's runs, newest first (`dags list-runs -d {dag} -o json`). */
  fetchRuns(dagId: string, signal: AbortSignal): Promise<DagRun[]>;
  /** Every DAG of the environment (`dags list`: the DAGs Airflow holds active). */
  dags(signal: AbortSignal): Promise<string[]>;
  /** A sweep's calls are spread over this many ms. */
  spreadMs: number;
  /** Calls in flight at most, per environment. */
  concurrency: number;
  now?: () => number;
}

/** Runs kept per DAG: those of the last 25 h before its newest one (the 24 h counts), at most this many. */
const MAX_PER_DAG = 2000;
const KEEP_WINDOW_MS = 25 * 3600_000;

export interface SweepStats {
  /** Sweeps finished. */
  sweeps: number;
  /** `dags list-runs` calls of the last finished sweep (one per DAG). */
  lastSweepCalls: number;
  /** How long the last sweep took, ms. */
  lastSweepMs: number;
}

export class RunCache {
  private readonly byDag = new Map<string, { at: number; runs: DagRun[] }>();
  /** One sweep at a time; it runs on the cache's own signal, so a caller giving up stops only its wait. */
  private readonly sweepFlight = singleFlight(() => this.sweep());
  private sweepError: AirflowError | null = null;
  private seeded = false;
  private readonly stop = new AbortController();
  private readonly now: () => number;
  /** CLI calls in flight: the sweep's and the writes' (MWAA runs each command as a process on the web server). */
  private readonly slots: Semaphore;
  readonly stats: SweepStats = { sweeps: 0, lastSweepCalls: 0, lastSweepMs: 0 };

  constructor(private readonly opts: RunCacheOptions) {
    this.now = opts.now ?? Date.now;
    this.slots = new Semaphore(opts.concurrency);
  }

  /** Runs one CLI call within the environment's bound on calls in flight, shared with the sweep. */
  async withSlot<T>(fn: () => Promise<T>): Promise<T> {
    await this.slots.acquire();
    try {
      return await fn();
    } finally {
      this.slots.release();
    }
  }

  /** A run known from an earlier listing, whatever its age (a run's logical date never changes). */
  find(dagId: string, runId: string): DagRun | undefined {
    return this.byDag.get(dagId)?.runs.find((r) => r.runId === runId);
  }

  /** Forgets one DAG's runs after a write changed them: the next read asks the CLI again. */
  forget(dagId: string): void {
    this.byDag.delete(dagId);
  }

  /** Answers a `listRuns` query from the cache; starts the next sweep when none is running. */
  async query(q: ListRunsQuery, signal: AbortSignal): Promise<Page<DagRun>> {
    const sweep = this.sweepFlight(signal);
    if (!this.seeded) await sweep;
    else sweep.catch(() => {}); // a later sweep runs unawaited (and never rejects but for this caller giving up)
    if (this.sweepError) throw this.sweepError;
    let runs = [...this.byDag.values()].flatMap((e) => e.runs);
    if (q.states?.length) runs = runs.filter((r) => q.states!.includes(r.state));
    if (q.startDateGte) runs = runs.filter((r) => atOrAfter(r.startDate, q.startDateGte!));
    if (q.updatedAtGte) runs = runs.filter((r) => atOrAfter(r.updatedAt, q.updatedAtGte!));
    runs.sort(q.newestFirst ? (a, b) => (b.startDate ?? "").localeCompare(a.startDate ?? "") : (a, b) => (a.updatedAt ?? "").localeCompare(b.updatedAt ?? ""));
    return { items: runs.slice(q.offset, q.offset + q.limit), total: runs.length };
  }

  /** One DAG's newest runs: from the cache when this cycle listed it, else one call (and the cache learns). */
  async dagRuns(dagId: string, limit: number, signal: AbortSignal): Promise<DagRun[]> {
    const hit = this.byDag.get(dagId);
    if (hit && this.now() - hit.at < this.opts.spreadMs) {
      return hit.runs.slice(0, limit);
    }
    const runs = await this.opts.fetchRuns(dagId, signal);
    this.keep(dagId, runs);
    return runs.slice(0, limit);
  }

  close(): void {
    this.stop.abort();
  }

  private keep(dagId: string, runs: DagRun[]): void {
    const sorted = [...runs].sort((a, b) => (b.startDate ?? b.logicalDate ?? "").localeCompare(a.startDate ?? a.logicalDate ?? ""));
    const newest = Date.parse(sorted[0]?.startDate ?? "");
    const kept = sorted.filter((r, i) => i < 25 || Number.isNaN(newest) || Date.parse(r.startDate ?? "") >= newest - KEEP_WINDOW_MS);
    this.byDag.set(dagId, { at: this.now(), runs: kept.slice(0, MAX_PER_DAG) });
  }

  private async sweep(): Promise<void> {
    const signal = this.stop.signal;
    const started = this.now();
    let calls = 0;
    const errors: AirflowError[] = [];
    try {
      const active = await this.opts.dags(signal);
      const known = new Set(active);
      for (const id of this.byDag.keys()) if (!known.has(id)) this.byDag.delete(id);
      const gap = this.seeded || active.length === 0 ? this.opts.spreadMs / Math.max(1, active.length) : 0;
      const slots = this.slots;
      const pending: Promise<void>[] = [];
      for (const [i, dagId] of active.entries()) {
        if (i > 0 && gap > 0) await sleep(gap, signal, "spacing Airflow CLI calls");
        await slots.acquire();
        calls++;
        pending.push(
          this.opts
            .fetchRuns(dagId, signal)
            .then((runs) => this.keep(dagId, runs))
            .catch((e: unknown) => {
              if (isAirflowError(e) && e.kind === "not_found") this.byDag.delete(dagId);
              else errors.push(asError(e));
            })
            .finally(() => slots.release()),
        );
      }
      await Promise.all(pending);
      this.sweepError = errors[0] ?? null;
    } catch (e) {
      // Never rejects: later sweeps run unawaited, and the error is reported by the next query.
      this.sweepError = asError(e);
    } finally {
      this.seeded = true;
      this.stats.sweeps++;
      this.stats.lastSweepCalls = calls;
      this.stats.lastSweepMs = this.now() - started;
    }
  }
}

/**
 * Airflow's `*_gte` filters compare instants. Compared as text, a bound without milliseconds
 * (`…:00Z`, as the monitor writes it) would put a run at `…:00.500Z` before it ('.' sorts before 'Z').
 */
function atOrAfter(time: string | null, bound: string): boolean {
  return time !== null && Date.parse(time) >= Date.parse(bound);
}

class Semaphore {
  private active = 0;
  private readonly queue: (() => void)[] = [];
  constructor(private readonly max: number) {}
  async acquire(): Promise<void> {
    if (this.active >= this.max) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.active++;
  }
  release(): void {
    this.active--;
    this.queue.shift()?.();
  }
}

function asError(e: unknown): AirflowError {
  if (isAirflowError(e)) return e as AirflowError;
  return new AirflowError({ kind: "bad_response", message: `reading runs through the Airflow CLI failed unexpectedly (${e instanceof Error ? e.name : "error"})`, cause: e });
}
