import type { DagRun } from "@/lib/airflow/types";

function ms(t: string | null): number | null {
  if (!t) return null;
  const v = Date.parse(t);
  return Number.isNaN(v) ? null : v;
}

function isFinished(r: DagRun): boolean {
  return r.state === "success" || r.state === "failed";
}

const MAX_FINISHED_SEEN = 50_000;

const order = (r: DagRun) => ms(r.startDate) ?? ms(r.logicalDate) ?? 0;

/**
 * What the monitor remembers about runs per DAG: the most recent finished run by start date (for
 * failing DAGs) and the newest run of any state (for "last run" on the DAG list). Fed by the
 * start-up seeding and then by the incremental `updated_at_gte` stream; bounded by the DAG count.
 * The 24 h counts and recent failures are asked of Airflow each cycle (exact and cheap: see runtime).
 */
export class RunStore {
  private readonly latest = new Map<string, DagRun>();
  private readonly newest = new Map<string, DagRun>();
  /** Each DAG's most recently ended successful run (alert expectations: finishBy, freshness). */
  private readonly success = new Map<string, DagRun>();
  /** The `updated_at_gte` cursor for the next incremental poll (ISO), null before seeding. */
  cursor: string | null = null;
  /** Finished runs seen since the last drain (history counts them; the store dedupes by run id). */
  private finishedSeen: DagRun[] = [];

  /** Notes a finished run for history without touching the per-DAG state (e.g. the recent-failures list). */
  noteFinished(run: DagRun): void {
    if (!isFinished(run)) return;
    // Bounded: with nobody draining (no history) the oldest go first.
    if (this.finishedSeen.length >= MAX_FINISHED_SEEN) this.finishedSeen.splice(0, this.finishedSeen.length - MAX_FINISHED_SEEN + 1);
    this.finishedSeen.push(run);
  }

  /** The finished runs noted since the last call. */
  drainFinished(): DagRun[] {
    const out = this.finishedSeen;
    this.finishedSeen = [];
    return out;
  }

  ingest(run: DagRun): void {
    this.noteFinished(run);
    const newest = this.newest.get(run.dagId);
    if (!newest || newest.runId === run.runId || order(run) >= order(newest)) this.newest.set(run.dagId, run);
    if (run.state === "success") {
      const s = this.success.get(run.dagId);
      const end = (r: DagRun) => ms(r.endDate) ?? order(r);
      if (!s || s.runId === run.runId || end(run) >= end(s)) this.success.set(run.dagId, run);
    }
    const prev = this.latest.get(run.dagId);
    if (isFinished(run)) {
      if (!prev || prev.runId === run.runId || order(run) >= order(prev)) this.latest.set(run.dagId, run);
    } else if (prev && prev.runId === run.runId) {
      // The run we knew as finished was cleared and runs again: it no longer decides the DAG's state.
      this.latest.delete(run.dagId);
    }
  }

  /** Forget DAGs that no longer exist. */
  retainDags(dagIds: Set<string>): void {
    for (const id of this.latest.keys()) if (!dagIds.has(id)) this.latest.delete(id);
    for (const id of this.newest.keys()) if (!dagIds.has(id)) this.newest.delete(id);
    for (const id of this.success.keys()) if (!dagIds.has(id)) this.success.delete(id);
  }

  latestFinished(dagId: string): DagRun | undefined {
    return this.latest.get(dagId);
  }

  /** The DAG's most recently ended successful run, when one is known. */
  lastSuccess(dagId: string): DagRun | undefined {
    return this.success.get(dagId);
  }

  /** The DAG's newest run (queued and running included). */
  newestRun(dagId: string): DagRun | undefined {
    return this.newest.get(dagId);
  }

  /** State of the DAG's newest run (queued and running included), or null when none is known. */
  lastRunState(dagId: string): DagRun["state"] | null {
    return this.newest.get(dagId)?.state ?? null;
  }
}
