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

/** What readers ask of runs per DAG: answered by the live store and by its published, frozen index. */
export interface RunLookup {
  /** The DAG's most recent finished run by start date (failing DAGs). */
  latestFinished(dagId: string): DagRun | undefined;
  /** The DAG's most recently ended successful run, when one is known. */
  lastSuccess(dagId: string): DagRun | undefined;
  /** The DAG's newest run (queued and running included). */
  newestRun(dagId: string): DagRun | undefined;
  /** State of the DAG's newest run (queued and running included), or null when none is known. */
  lastRunState(dagId: string): DagRun["state"] | null;
}

/** One DAG's entries in the index: what a follower replica stores and loads per DAG. */
export interface DagRuns {
  newest?: DagRun;
  latest?: DagRun;
  success?: DagRun;
}

interface RunMaps {
  latest: Map<string, DagRun>;
  newest: Map<string, DagRun>;
  /** Each DAG's most recently ended successful run (alert expectations: finishBy, freshness). */
  success: Map<string, DagRun>;
}

/** The lookups over a set of maps: shared by the live store and its frozen index. */
abstract class RunMapsLookup implements RunLookup {
  protected constructor(protected maps: Readonly<RunMaps>) {}

  latestFinished(dagId: string): DagRun | undefined {
    return this.maps.latest.get(dagId);
  }

  lastSuccess(dagId: string): DagRun | undefined {
    return this.maps.success.get(dagId);
  }

  newestRun(dagId: string): DagRun | undefined {
    return this.maps.newest.get(dagId);
  }

  lastRunState(dagId: string): DagRun["state"] | null {
    return this.maps.newest.get(dagId)?.state ?? null;
  }

  /** The DAG's three entries (absent ones left out). */
  of(dagId: string): DagRuns {
    const { newest, latest, success } = this.maps;
    const out: DagRuns = {};
    if (newest.has(dagId)) out.newest = newest.get(dagId);
    if (latest.has(dagId)) out.latest = latest.get(dagId);
    if (success.has(dagId)) out.success = success.get(dagId);
    return out;
  }

  /** Every DAG with at least one entry. */
  dagIds(): Set<string> {
    return new Set([...this.maps.newest.keys(), ...this.maps.latest.keys(), ...this.maps.success.keys()]);
  }

  /**
   * The DAGs whose entries differ from `prev`'s, and those left with none. By identity: the store
   * copies maps but never changes a run object, so an unchanged entry is the same object.
   */
  changedSince(prev: RunIndex): { changed: string[]; removed: string[] } {
    if (prev === this) return { changed: [], removed: [] };
    const differ = new Set<string>();
    for (const n of ["newest", "latest", "success"] as const) {
      const [now, was] = [this.maps[n], prev.maps[n]];
      if (now === was) continue;
      for (const [id, run] of now) if (was.get(id) !== run) differ.add(id);
      for (const id of was.keys()) if (!now.has(id)) differ.add(id);
    }
    const changed: string[] = [];
    const removed: string[] = [];
    for (const id of differ) (this.maps.newest.has(id) || this.maps.latest.has(id) || this.maps.success.has(id) ? changed : removed).push(id);
    return { changed, removed };
  }
}

/**
 * A frozen view of the per-DAG runs: what the snapshot holds. Plain maps, so a follower replica can
 * build one from stored runs too (ingest them into a RunStore, then `index()`).
 */
export class RunIndex extends RunMapsLookup {
  static readonly EMPTY = new RunIndex({ latest: new Map(), newest: new Map(), success: new Map() });

  private constructor(maps: Readonly<RunMaps>) {
    super(maps);
  }

  /** For RunStore only: wraps maps nobody writes to any more. */
  static frozen(maps: Readonly<RunMaps>): RunIndex {
    return new RunIndex(maps);
  }
}

/**
 * What the monitor remembers about runs per DAG: the most recent finished run by start date (for
 * failing DAGs) and the newest run of any state (for "last run" on the DAG list). Fed by the
 * start-up seeding and then by the incremental `updated_at_gte` stream; bounded by the DAG count.
 * The 24 h counts and recent failures are asked of Airflow each cycle (exact and cheap: see runtime).
 *
 * `index()` publishes the maps as they are; the next write copies them first (copy on write), so a
 * published index never changes and a poll that changed nothing copies nothing.
 */
export class RunStore extends RunMapsLookup {
  declare protected maps: RunMaps;
  private published: RunIndex | null = null;
  /** The `updated_at_gte` cursor for the next incremental poll (ISO), null before seeding. */
  cursor: string | null = null;
  /** Finished runs seen since the last drain (history counts them; the store dedupes by run id). */
  private finishedSeen: DagRun[] = [];

  constructor() {
    super({ latest: new Map(), newest: new Map(), success: new Map() });
  }

  /** The runs as they are now, frozen. */
  index(): RunIndex {
    this.published ??= RunIndex.frozen(this.maps);
    return this.published;
  }

  /** The maps, copied first when an index shares them. */
  private writable(): RunMaps {
    if (this.published) {
      this.maps = { latest: new Map(this.maps.latest), newest: new Map(this.maps.newest), success: new Map(this.maps.success) };
      this.published = null;
    }
    return this.maps;
  }

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
    const m = this.writable();
    const newest = m.newest.get(run.dagId);
    if (!newest || newest.runId === run.runId || order(run) >= order(newest)) m.newest.set(run.dagId, run);
    if (run.state === "success") {
      const s = m.success.get(run.dagId);
      const end = (r: DagRun) => ms(r.endDate) ?? order(r);
      if (!s || s.runId === run.runId || end(run) >= end(s)) m.success.set(run.dagId, run);
    }
    const prev = m.latest.get(run.dagId);
    if (isFinished(run)) {
      if (!prev || prev.runId === run.runId || order(run) >= order(prev)) m.latest.set(run.dagId, run);
    } else if (prev && prev.runId === run.runId) {
      // The run we knew as finished was cleared and runs again: it no longer decides the DAG's state.
      m.latest.delete(run.dagId);
    }
  }

  /**
   * A follower replica takes the leader's entries (contract §11): with `full` they replace all,
   * otherwise only the DAGs given change (one with no entries left is forgotten). Not noted for
   * history: the leader recorded them.
   */
  load(entries: Iterable<[string, DagRuns]>, full: boolean): void {
    const m = this.writable();
    if (full) for (const map of Object.values(m)) map.clear();
    for (const [id, r] of entries) {
      for (const [name, run] of [["newest", r.newest], ["latest", r.latest], ["success", r.success]] as const) {
        if (run) m[name].set(id, run);
        else m[name].delete(id);
      }
    }
  }

  /** Forget DAGs that no longer exist. */
  retainDags(dagIds: Set<string>): void {
    const gone = (map: Map<string, DagRun>) => [...map.keys()].some((id) => !dagIds.has(id));
    if (!gone(this.maps.latest) && !gone(this.maps.newest) && !gone(this.maps.success)) return;
    const m = this.writable();
    for (const id of m.latest.keys()) if (!dagIds.has(id)) m.latest.delete(id);
    for (const id of m.newest.keys()) if (!dagIds.has(id)) m.newest.delete(id);
    for (const id of m.success.keys()) if (!dagIds.has(id)) m.success.delete(id);
  }
}
