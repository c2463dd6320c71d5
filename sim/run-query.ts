import type { DagDef } from "./dag-model";
import type { EnvModel, RunRec, RunState } from "./env-model";

/**
 * Listing DAG runs without materialising history. Per DAG, time filters become an index range by
 * binary search (all time fields are monotone in the run index); the few "special" runs (the
 * unfinished tail and runs re-marked at a scenario switch) are checked one by one. Pages come from
 * a k-way merge of per-DAG ordered streams, so a page over 3000 DAGs costs O(D log D + offset).
 */

export type TimeField = "logical" | "runAfter" | "queued" | "start" | "end" | "updated";
export interface Bound { gte?: number; gt?: number; lte?: number; lt?: number }
export type OrderKey = "id" | "logical" | "runAfter" | "start" | "end" | "updated" | "dagId" | "runId" | "state" | "duration" | "const";

export interface RunQuery {
  dags: DagDef[];
  bounds: Partial<Record<TimeField, Bound>>;
  states?: Set<RunState>;
  order: OrderKey;
  desc: boolean;
  offset: number;
  limit: number;
  now: number;
}

const MERGEABLE = new Set<OrderKey>(["id", "logical", "runAfter", "start", "end", "updated", "dagId", "runId", "const"]);

function fieldValue(r: RunRec, f: TimeField): number | null {
  switch (f) {
    case "logical": return r.logical;
    case "runAfter": return r.slot;
    case "queued": return r.queued;
    case "start": return r.start;
    case "end": return r.end;
    case "updated": return r.updated;
  }
}

function inBound(v: number | null, b: Bound): boolean {
  if (v === null) return false; // SQL comparison with NULL
  return (b.gte === undefined || v >= b.gte) && (b.gt === undefined || v > b.gt) && (b.lte === undefined || v <= b.lte) && (b.lt === undefined || v < b.lt);
}

/** Sort key as a number: DAGs are indexed in dag_id order and run ids sort like logical dates. */
function orderValue(r: RunRec, key: OrderKey): number | string {
  switch (key) {
    case "id": return r.queued;
    case "logical": case "runId": return r.logical;
    case "runAfter": return r.slot;
    case "start": return r.start ?? Infinity; // NULLS LAST ascending, first descending (PostgreSQL)
    case "end": return r.end ?? Infinity;
    case "updated": return r.updated;
    case "dagId": return r.dag.index;
    case "state": return r.state;
    case "duration": return r.start !== null && r.end !== null ? r.end - r.start : Infinity;
    case "const": return 0;
  }
}

export function makeComparator(key: OrderKey, desc: boolean): (a: RunRec, b: RunRec) => number {
  const dir = desc ? -1 : 1;
  return (a, b) => {
    const va = orderValue(a, key), vb = orderValue(b, key);
    if (va !== vb) return (va < vb ? -1 : 1) * dir;
    if (a.queued !== b.queued) return (a.queued - b.queued) * dir;
    return (a.dag.index - b.dag.index) * dir;
  };
}

/** Natural (finished, unmarked) value of a time field for run k: monotone in k. */
function naturalValue(m: EnvModel, d: DagDef, k: number, f: TimeField): number {
  switch (f) {
    case "logical": return m.slot(d, k) - d.schedule.periodMs;
    case "runAfter": return m.slot(d, k);
    case "queued": return m.queuedAt(d, k);
    case "start": return m.startAt(d, k);
    case "end": case "updated": return m.endAt(d, k);
  }
}

/**
 * Smallest k in [a, b] whose natural value of `f` is ≥ x (or > x when `strict`); b + 1 if none.
 * Every field of run k lies in [slot(k) - period, slot(k) + period), so the crossing is within
 * two slots of x's own slot and the search window is tiny.
 */
function crossing(m: EnvModel, d: DagDef, f: TimeField, a: number, b: number, x: number, strict: boolean): number {
  const kx = Math.floor((x - d.schedule.phaseMs) / d.schedule.periodMs);
  if (kx - 2 > b) return b + 1;
  if (kx + 2 < a) return a;
  let lo = Math.max(a, kx - 2), hi = Math.min(b, kx + 2) + 1;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const v = naturalValue(m, d, mid, f);
    if (strict ? v > x : v >= x) hi = mid; else lo = mid + 1;
  }
  return lo;
}

interface DagPlan {
  d: DagDef;
  a: number;
  b: number;
  /** Runs not in their natural finished state: the open tail and runs re-marked at a switch. */
  special: number[];
  /** Special runs that match every filter. */
  specials: RunRec[];
  count: number;
}

type BoundList = Array<[TimeField, Bound]>;

function matches(r: RunRec, q: RunQuery, bounds: BoundList): boolean {
  if (q.states && !q.states.has(r.state)) return false;
  for (const [f, bd] of bounds) if (!inBound(fieldValue(r, f), bd)) return false;
  return true;
}

function countIn(list: number[], a: number, b: number): number {
  let n = 0;
  for (const k of list) if (k >= a && k <= b) n++;
  return n;
}

function planDag(m: EnvModel, d: DagDef, q: RunQuery, bounds: BoundList): DagPlan | null {
  const first = m.kFirst(d);
  const last = m.kLast(d, q.now);
  if (last < first) return null;
  let a = first, b = last;
  for (const [f, bound] of bounds) {
    if (bound.gte !== undefined) a = Math.max(a, crossing(m, d, f, a, b, bound.gte, false));
    if (bound.gt !== undefined) a = Math.max(a, crossing(m, d, f, a, b, bound.gt, true));
    if (bound.lte !== undefined) b = Math.min(b, crossing(m, d, f, a, b, bound.lte, true) - 1);
    if (bound.lt !== undefined) b = Math.min(b, crossing(m, d, f, a, b, bound.lt, false) - 1);
  }
  const special = m.bumpedKs(d, q.now).filter((k) => k >= first && k <= last);
  if (m.endAt(d, last) > q.now && !special.includes(last)) special.push(last);
  const specials: RunRec[] = [];
  for (const k of special) {
    const r = m.run(d, k, q.now);
    if (matches(r, q, bounds)) specials.push(r);
  }
  let count = specials.length;
  if (b >= a) {
    if (!q.states) count += b - a + 1 - countIn(special, a, b);
    else {
      const ranges = m.fateRanges(d, a, b);
      if (ranges) {
        for (const r of ranges) if (q.states.has(r.fate)) count += r.b - r.a + 1 - countIn(special, r.a, r.b);
      } else {
        for (let k = a; k <= b; k++) if (!special.includes(k) && q.states.has(m.naturalFate(d, k))) count++;
      }
    }
  }
  return count > 0 ? { d, a, b, special, specials, count } : null;
}

/** Ordered stream of one DAG's matching runs. */
class DagStream {
  head: RunRec | null = null;
  private k: number;
  private si = 0;
  private pendingNatural: RunRec | null = null;
  constructor(private m: EnvModel, private p: DagPlan, private q: RunQuery, private cmp: (a: RunRec, b: RunRec) => number) {
    this.k = q.desc ? p.b : p.a;
    p.specials.sort(cmp);
    this.advance();
  }
  private nextNatural(): RunRec | null {
    const { p, q, m } = this;
    while (q.desc ? this.k >= p.a : this.k <= p.b) {
      const k = this.k;
      this.k += q.desc ? -1 : 1;
      if (p.special.length && p.special.includes(k)) continue;
      const r = m.run(p.d, k, q.now);
      if (q.states && !q.states.has(r.state)) continue;
      return r;
    }
    return null;
  }
  advance(): void {
    if (!this.pendingNatural) this.pendingNatural = this.nextNatural();
    const s = this.p.specials[this.si] ?? null;
    const n = this.pendingNatural;
    if (s && (!n || this.cmp(s, n) <= 0)) { this.head = s; this.si++; }
    else { this.head = n; this.pendingNatural = null; }
  }
}

export function queryRuns(m: EnvModel, q: RunQuery): { total: number; runs: RunRec[] } {
  const plans: DagPlan[] = [];
  let total = 0;
  const bounds = (Object.entries(q.bounds) as BoundList).filter(([, bd]) => bd !== undefined);
  for (const d of q.dags) {
    const p = planDag(m, d, q, bounds);
    if (p) { plans.push(p); total += p.count; }
  }
  const cmp = makeComparator(q.order, q.desc);
  if (q.limit <= 0 || q.offset >= total) return { total, runs: [] };

  if (!MERGEABLE.has(q.order)) {
    const all: RunRec[] = [];
    for (const p of plans) {
      const s = new DagStream(m, p, { ...q, desc: false }, makeComparator("id", false));
      for (; s.head; s.advance()) all.push(s.head);
    }
    all.sort(cmp);
    return { total, runs: all.slice(q.offset, q.offset + q.limit) };
  }

  // k-way merge with a binary heap of streams keyed by their head
  const heap: DagStream[] = [];
  for (const p of plans) {
    const st = new DagStream(m, p, q, cmp);
    if (st.head) heap.push(st);
  }
  const down = (i: number) => {
    const n = heap.length;
    const item = heap[i];
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && cmp(heap[r].head!, heap[l].head!) < 0 ? r : l;
      if (cmp(heap[c].head!, item.head!) >= 0) break;
      heap[i] = heap[c];
      i = c;
    }
    heap[i] = item;
  };
  for (let i = Math.floor(heap.length / 2) - 1; i >= 0; i--) down(i);
  const out: RunRec[] = [];
  let skipped = 0;
  while (heap.length > 0 && out.length < q.limit) {
    const top = heap[0];
    if (skipped < q.offset) skipped++; else out.push(top.head!);
    top.advance();
    if (!top.head) {
      const last = heap.pop()!;
      if (heap.length === 0) break;
      heap[0] = last;
    }
    down(0);
  }
  return { total, runs: out };
}

/** Run counts per state for one DAG (all history), for dagStats. */
export function stateCounts(m: EnvModel, d: DagDef, now: number): Record<RunState, number> {
  const out = { queued: 0, running: 0, success: 0, failed: 0 } as Record<RunState, number>;
  for (const s of Object.keys(out) as RunState[]) {
    out[s] = planDag(m, d, { dags: [d], bounds: {}, states: new Set([s]), order: "id", desc: false, offset: 0, limit: 0, now }, [])?.count ?? 0;
  }
  return out;
}
