import type { DagRun } from "@/lib/airflow/types";

const DAY_MS = 24 * 3600 * 1000;

function ms(t: string | null): number | null {
  if (!t) return null;
  const v = Date.parse(t);
  return Number.isNaN(v) ? null : v;
}

function isFinished(r: DagRun): boolean {
  return r.state === "success" || r.state === "failed";
}

/**
 * A 52-bit hash of a run's identity, so 24 h of runs across hundreds of environments costs a number
 * per run instead of a string and an object (collisions are ~1e-7 likely at 30 000 runs).
 */
export function runKey(dagId: string, runId: string): number {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  const s = `${dagId}\u0000${runId}`;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) ^ (h2 >>> 15);
  }
  return (h1 >>> 0) * 0x100000 + ((h2 >>> 0) & 0xfffff);
}

/**
 * What the monitor remembers about runs, fed incrementally:
 * - every queued or running run (counts, the DAG's newest state),
 * - finished runs that started in the last 24 h, as one packed number each (24 h counts),
 * - failed runs of the last 24 h in full (recent failures),
 * - each DAG's most recent finished run by start date (failing DAGs) and newest run of any state.
 * Memory is bounded by 24 h of activity, not by history.
 */
export class RunStore {
  private readonly active = new Map<number, DagRun>();
  /** key → start minute × 2 + (1 if failed). */
  private readonly finished = new Map<number, number>();
  private readonly failed = new Map<number, DagRun>();
  private readonly latest = new Map<string, DagRun>();
  private readonly newest = new Map<string, DagRun>();
  /** The `updated_at_gte` cursor for the next incremental poll (ISO), null before the first. */
  cursor: string | null = null;

  ingest(run: DagRun, now: number): void {
    const k = runKey(run.dagId, run.runId);
    const order = (r: DagRun) => ms(r.startDate) ?? ms(r.logicalDate) ?? 0;
    const newest = this.newest.get(run.dagId);
    if (!newest || newest.runId === run.runId || order(run) >= order(newest)) this.newest.set(run.dagId, run);

    const prev = this.latest.get(run.dagId);
    if (!isFinished(run)) {
      this.active.set(k, run);
      this.finished.delete(k);
      this.failed.delete(k);
      // A run we knew as finished was cleared and runs again: it no longer decides the DAG's state.
      if (prev && prev.runId === run.runId) this.latest.delete(run.dagId);
      return;
    }
    this.active.delete(k);
    const start = ms(run.startDate);
    if (start !== null && now - start <= DAY_MS) {
      this.finished.set(k, Math.floor(start / 60_000) * 2 + (run.state === "failed" ? 1 : 0));
      if (run.state === "failed") this.failed.set(k, run);
      else this.failed.delete(k);
    }
    if (!prev || prev.runId === run.runId || order(run) >= order(prev)) this.latest.set(run.dagId, run);
  }

  /** Drops finished runs that started more than 24 h ago. */
  prune(now: number): void {
    const oldestMinute = Math.floor((now - DAY_MS) / 60_000);
    for (const [k, packed] of this.finished) {
      if (Math.floor(packed / 2) < oldestMinute) {
        this.finished.delete(k);
        this.failed.delete(k);
      }
    }
  }

  /** Forget DAGs that no longer exist. */
  retainDags(dagIds: Set<string>): void {
    for (const id of this.latest.keys()) if (!dagIds.has(id)) this.latest.delete(id);
    for (const id of this.newest.keys()) if (!dagIds.has(id)) this.newest.delete(id);
  }

  latestFinished(dagId: string): DagRun | undefined {
    return this.latest.get(dagId);
  }

  /** State of the DAG's newest run (queued and running included), or null when none is known. */
  lastRunState(dagId: string): DagRun["state"] | null {
    return this.newest.get(dagId)?.state ?? null;
  }

  counts(now: number): { running: number; queued: number; failed24h: number; succeeded24h: number } {
    let running = 0;
    let queued = 0;
    for (const r of this.active.values()) {
      if (r.state === "running") running++;
      else queued++;
    }
    const oldestMinute = Math.floor((now - DAY_MS) / 60_000);
    let failed24h = 0;
    let succeeded24h = 0;
    for (const packed of this.finished.values()) {
      if (Math.floor(packed / 2) < oldestMinute) continue;
      if (packed % 2 === 1) failed24h++;
      else succeeded24h++;
    }
    return { running, queued, failed24h, succeeded24h };
  }

  /** Failed runs that started in the last 24 h, newest first. */
  recentFailures(now: number, max: number): DagRun[] {
    const out: DagRun[] = [];
    for (const r of this.failed.values()) {
      const t = ms(r.startDate);
      if (t !== null && now - t <= DAY_MS) out.push(r);
    }
    out.sort((a, b) => (ms(b.startDate) ?? 0) - (ms(a.startDate) ?? 0));
    return out.slice(0, max);
  }

  /** Runs held (active + finished in the last 24 h). */
  get size(): number {
    return this.active.size + this.finished.size;
  }
}
