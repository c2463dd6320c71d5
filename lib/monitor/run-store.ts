import type { DagRun } from "@/lib/airflow/types";

const DAY_MS = 24 * 3600 * 1000;

function key(r: DagRun): string {
  return `${r.dagId}\u0000${r.runId}`;
}

function ms(t: string | null): number | null {
  if (!t) return null;
  const v = Date.parse(t);
  return Number.isNaN(v) ? null : v;
}

function isFinished(r: DagRun): boolean {
  return r.state === "success" || r.state === "failed";
}

/**
 * What the monitor remembers about runs, fed incrementally: the runs of the last 24 h plus every
 * run still queued or running (for counts and recent failures), and each DAG's most recent finished
 * run by start date (for failing DAGs). Memory is bounded by 24 h of activity, not by history.
 */
export class RunStore {
  private readonly recent = new Map<string, DagRun>();
  private readonly latest = new Map<string, DagRun>();
  /** Each DAG's newest run of any state (by start, else logical date). */
  private readonly newest = new Map<string, DagRun>();
  /** The `updated_at_gte` cursor for the next incremental poll (ISO), null before the first. */
  cursor: string | null = null;

  ingest(run: DagRun): void {
    const k = key(run);
    this.recent.set(k, run);
    const order = (r: DagRun) => ms(r.startDate) ?? ms(r.logicalDate) ?? 0;
    const newest = this.newest.get(run.dagId);
    if (!newest || key(newest) === k || order(run) >= order(newest)) this.newest.set(run.dagId, run);
    const prev = this.latest.get(run.dagId);
    if (isFinished(run)) {
      const start = ms(run.startDate) ?? ms(run.logicalDate) ?? 0;
      const prevStart = prev ? (ms(prev.startDate) ?? ms(prev.logicalDate) ?? 0) : -Infinity;
      if (!prev || start >= prevStart) this.latest.set(run.dagId, run);
    } else if (prev && key(prev) === k) {
      // The run we knew as finished was cleared and runs again: it no longer decides the DAG's state.
      this.latest.delete(run.dagId);
    }
  }

  /** Drops finished runs that ended more than 24 h ago. */
  prune(now: number): void {
    for (const [k, r] of this.recent) {
      if (!isFinished(r)) continue;
      const t = ms(r.endDate) ?? ms(r.startDate) ?? ms(r.logicalDate) ?? 0;
      if (now - t > DAY_MS) this.recent.delete(k);
    }
  }

  /** Forget DAGs that no longer exist. */
  retainDags(dagIds: Set<string>): void {
    for (const id of this.latest.keys()) if (!dagIds.has(id)) this.latest.delete(id);
    for (const id of this.newest.keys()) if (!dagIds.has(id)) this.newest.delete(id);
  }

  /** State of the DAG's newest run (queued and running included), or null when none is known. */
  lastRunState(dagId: string): DagRun["state"] | null {
    return this.newest.get(dagId)?.state ?? null;
  }

  latestFinished(dagId: string): DagRun | undefined {
    return this.latest.get(dagId);
  }

  counts(now: number): { running: number; queued: number; failed24h: number; succeeded24h: number } {
    let running = 0;
    let queued = 0;
    let failed24h = 0;
    let succeeded24h = 0;
    for (const r of this.recent.values()) {
      if (r.state === "running") running++;
      else if (r.state === "queued") queued++;
      else {
        const t = ms(r.startDate) ?? ms(r.endDate);
        if (t === null || now - t > DAY_MS) continue;
        if (r.state === "failed") failed24h++;
        else succeeded24h++;
      }
    }
    return { running, queued, failed24h, succeeded24h };
  }

  /** Failed runs that started in the last 24 h, newest first. */
  recentFailures(now: number, max: number): DagRun[] {
    const out: DagRun[] = [];
    for (const r of this.recent.values()) {
      const t = ms(r.startDate);
      if (r.state === "failed" && t !== null && now - t <= DAY_MS) out.push(r);
    }
    out.sort((a, b) => (ms(b.startDate) ?? 0) - (ms(a.startDate) ?? 0));
    return out.slice(0, max);
  }

  get size(): number {
    return this.recent.size;
  }
}
