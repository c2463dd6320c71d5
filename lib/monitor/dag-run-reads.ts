import { raceSignal } from "@/lib/airflow/single-flight";
import type { DagRun } from "@/lib/airflow/types";

/**
 * On-demand reads of one DAG's recent runs (`/api/v1/environments/{id}/dags/{dag}/runs?limit=`),
 * the only upstream calls a viewer can cause. Kept apart from polling, so no viewer can stall an
 * environment's health polling:
 * - one upstream read per DAG of the newest `RUNS_PER_READ` runs, cached for `ttlMs` and sliced for
 *   each `limit`, so `limit=1..100` is one cache entry and one call, not a hundred;
 * - a bounded queue per environment (`maxRunning` in flight, `maxWaiting` waiting); beyond it a read
 *   is refused at once (`ReadsBusy`, answered 429 with Retry-After) instead of queueing without end;
 * - a read whose every requester went away is cancelled (dropped from the queue, or aborted upstream).
 */

/** Runs asked of Airflow per DAG read; the API's `limit` is at most this. */
export const RUNS_PER_READ = 100;

export interface DagRunReadsOptions {
  /** The upstream call (the monitor adds its own caps and the environment's stop signal). */
  read: (dagId: string, limit: number, signal: AbortSignal) => Promise<DagRun[]>;
  now: () => number;
  ttlMs?: number;
  maxRunning?: number;
  maxWaiting?: number;
  /** What a refused reader is told to wait, in seconds. */
  retryAfterS?: number;
  /** Cached DAGs kept at most (oldest out). */
  maxCached?: number;
}

/** The environment's on-demand queue is full: try again in `retryAfterS` seconds. */
export class ReadsBusy extends Error {
  constructor(readonly retryAfterS: number) {
    super("too many requests for this environment's DAG runs at once; try again shortly");
    this.name = "ReadsBusy";
  }
}

interface Flight {
  promise: Promise<DagRun[]>;
  /** When it answered (null while queued or in flight). */
  at: number | null;
  waiters: number;
  controller: AbortController;
}

export class DagRunReads {
  private readonly cache = new Map<string, Flight>();
  private readonly waiting: { flight: Flight; start: () => void }[] = [];
  private running = 0;
  private readonly ttlMs: number;
  private readonly maxRunning: number;
  private readonly maxWaiting: number;
  private readonly retryAfterS: number;
  private readonly maxCached: number;

  constructor(private readonly opts: DagRunReadsOptions) {
    this.ttlMs = opts.ttlMs ?? 15_000;
    this.maxRunning = opts.maxRunning ?? 2;
    this.maxWaiting = opts.maxWaiting ?? 8;
    this.retryAfterS = opts.retryAfterS ?? 5;
    this.maxCached = opts.maxCached ?? 100;
  }

  /** The newest `limit` runs of a DAG (newest first). `signal`: the requester went away. */
  async get(dagId: string, limit: number, signal?: AbortSignal): Promise<DagRun[]> {
    if (signal?.aborted) throw abortError();
    const n = Math.max(1, Math.min(RUNS_PER_READ, Math.floor(limit)));
    let flight = this.cache.get(dagId);
    if (flight && flight.at !== null && this.opts.now() - flight.at >= this.ttlMs) {
      this.cache.delete(dagId);
      flight = undefined;
    }
    flight ??= this.begin(dagId);
    return (await this.wait(dagId, flight, signal)).slice(0, n);
  }

  /** Reads in flight and waiting (for tests and figures). */
  get load(): { running: number; waiting: number; cached: number } {
    return { running: this.running, waiting: this.waiting.length, cached: this.cache.size };
  }

  private begin(dagId: string): Flight {
    if (this.running >= this.maxRunning && this.waiting.length >= this.maxWaiting) throw new ReadsBusy(this.retryAfterS);
    const controller = new AbortController();
    let start!: () => void;
    const started = new Promise<void>((resolve) => (start = resolve));
    const flight: Flight = { promise: Promise.resolve([]), at: null, waiters: 0, controller };
    flight.promise = (async () => {
      await started;
      try {
        if (controller.signal.aborted) throw abortError();
        const runs = await this.opts.read(dagId, RUNS_PER_READ, controller.signal);
        flight.at = this.opts.now();
        return runs;
      } finally {
        this.running--;
        this.next();
      }
    })();
    // A failed read is not cached: the next request asks again (still through the bounded queue).
    flight.promise.catch(() => {
      if (this.cache.get(dagId) === flight) this.cache.delete(dagId);
    });
    this.remember(dagId, flight);
    if (this.running < this.maxRunning) {
      this.running++;
      start();
    } else {
      this.waiting.push({ flight, start });
    }
    return flight;
  }

  private next(): void {
    while (this.running < this.maxRunning && this.waiting.length > 0) {
      const { start } = this.waiting.shift()!;
      this.running++;
      start();
    }
  }

  /** One requester's share of a flight: it may leave early; the last one to leave cancels the read. */
  private wait(dagId: string, flight: Flight, signal?: AbortSignal): Promise<DagRun[]> {
    flight.waiters++;
    if (!signal) return flight.promise;
    return raceSignal(flight.promise, signal, () => {
      flight.waiters--;
      if (flight.waiters === 0 && flight.at === null) this.cancel(dagId, flight);
      return abortError();
    });
  }


  private cancel(dagId: string, flight: Flight): void {
    if (this.cache.get(dagId) === flight) this.cache.delete(dagId);
    const i = this.waiting.findIndex((w) => w.flight === flight);
    if (i >= 0) {
      // Never started: leave the queue now, freeing its place; its promise settles as aborted.
      const [{ start }] = this.waiting.splice(i, 1);
      this.running++;
      flight.controller.abort();
      start();
    } else {
      flight.controller.abort();
    }
    flight.promise.catch(() => {});
  }

  private remember(dagId: string, flight: Flight): void {
    this.cache.set(dagId, flight);
    if (this.cache.size <= this.maxCached) return;
    const now = this.opts.now();
    for (const [k, f] of this.cache) if (f.at !== null && now - f.at >= this.ttlMs) this.cache.delete(k);
    // Still too many: drop the oldest answered ones (reads in flight stay, they are bounded by the queue).
    for (const [k, f] of this.cache) {
      if (this.cache.size <= this.maxCached) break;
      if (f.at !== null) this.cache.delete(k);
    }
  }
}

function abortError(): Error {
  const e = new Error("the request was cancelled");
  e.name = "AbortError";
  return e;
}
