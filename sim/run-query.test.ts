import { describe, expect, it } from "vitest";
import { EnvModel, type RunRec, type RunState } from "./env-model";
import { rng } from "./random";
import { makeComparator, type OrderKey, queryRuns, type RunQuery, stateCounts, type TimeField } from "./run-query";

const T0 = Date.parse("2026-03-20T10:00:00Z");
const FIELDS: TimeField[] = ["logical", "runAfter", "queued", "start", "end", "updated"];
const ORDERS: OrderKey[] = ["id", "logical", "runAfter", "start", "end", "updated", "dagId", "runId", "state", "duration", "const"];
const STATES: RunState[] = ["queued", "running", "success", "failed"];

/** Every run that exists at `now`, materialised the slow way. */
function allRuns(m: EnvModel, now: number): RunRec[] {
  const out: RunRec[] = [];
  for (const d of m.dags) for (let k = m.kFirst(d); k <= m.kLast(d, now); k++) out.push(m.run(d, k, now));
  return out;
}

function value(r: RunRec, f: TimeField): number | null {
  return { logical: r.logical, runAfter: r.slot, queued: r.queued, start: r.start, end: r.end, updated: r.updated }[f];
}

function bruteForce(m: EnvModel, q: RunQuery): { total: number; runs: RunRec[] } {
  const dagSet = new Set(q.dags.map((d) => d.index));
  const hits = allRuns(m, q.now).filter((r) => {
    if (!dagSet.has(r.dag.index)) return false;
    if (q.states && !q.states.has(r.state)) return false;
    for (const [f, b] of Object.entries(q.bounds)) {
      const v = value(r, f as TimeField);
      if (!b) continue;
      if (v === null) return false;
      if ((b.gte !== undefined && v < b.gte) || (b.gt !== undefined && v <= b.gt) || (b.lte !== undefined && v > b.lte) || (b.lt !== undefined && v >= b.lt)) return false;
    }
    return true;
  });
  hits.sort(makeComparator(q.order, q.desc));
  return { total: hits.length, runs: hits.slice(q.offset, q.offset + q.limit) };
}

const key = (r: RunRec) => `${r.dag.dagId}#${r.k}:${r.state}:${r.updated}`;

describe("run query engine", () => {
  const m = new EnvModel(7, { id: "brute", airflowVersion: "3.2.0", scenario: "healthy", dagCount: 14, options: { recoveringDag: true } }, T0);
  // Two switches create re-marked runs whose updated_at is out of natural order.
  m.setScenario("failing-dags", T0 + 3 * 3600_000);
  m.setScenario("healthy", T0 + 5 * 3600_000 + 17_000);
  const now = T0 + 6 * 3600_000 + 123_456;

  it("has the shape the brute force relies on", () => {
    const runs = allRuns(m, now);
    expect(runs.length).toBeGreaterThan(1000);
    const states = new Set(runs.map((r) => r.state));
    expect(states.has("failed") && states.has("success")).toBe(true);
    expect(runs.some((r) => r.updated > (r.end ?? r.start ?? r.queued))).toBe(true); // re-marked runs exist
  });

  it("matches brute force on 300 random queries", () => {
    const r = rng(99);
    const span = [m.historyStart - 3600_000, now + 3600_000];
    for (let i = 0; i < 300; i++) {
      const bounds: RunQuery["bounds"] = {};
      for (const f of FIELDS) {
        if (r() < 0.25) {
          const x = Math.floor(span[0] + r() * (span[1] - span[0]));
          const op = (["gte", "gt", "lte", "lt"] as const)[Math.floor(r() * 4)];
          bounds[f] = { ...bounds[f], [op]: x };
        }
      }
      // Exact instants of a real run, the cursor case.
      if (r() < 0.2) bounds.updated = { gte: now - Math.floor(r() * 3 * 3600_000) };
      const states = r() < 0.3 ? new Set(STATES.filter(() => r() < 0.5)) : undefined;
      const dags = r() < 0.2 ? [m.dags[Math.floor(r() * m.dags.length)]] : m.dags;
      const q: RunQuery = {
        dags, bounds, states,
        order: ORDERS[Math.floor(r() * ORDERS.length)], desc: r() < 0.5,
        offset: r() < 0.3 ? Math.floor(r() * 500) : 0, limit: 1 + Math.floor(r() * 100), now,
      };
      const want = bruteForce(m, q);
      const got = queryRuns(m, q);
      expect(got.total, JSON.stringify({ ...q, dags: dags.length, states: states && [...states] })).toBe(want.total);
      expect(got.runs.map(key)).toEqual(want.runs.map(key));
    }
  });

  it("counts states like the brute force (dagStats)", () => {
    const runs = allRuns(m, now);
    for (const d of m.dags) {
      const c = stateCounts(m, d, now);
      for (const s of STATES) expect(c[s]).toBe(runs.filter((x) => x.dag.index === d.index && x.state === s).length);
    }
  });

  it("answers a page over 3000 DAGs quickly", () => {
    const huge = new EnvModel(1, { id: "huge", airflowVersion: "2.10.5", scenario: "huge" }, T0);
    expect(huge.dags.filter((d) => !d.stale)).toHaveLength(3000);
    queryRuns(huge, { dags: huge.dags, bounds: {}, order: "id", desc: false, offset: 0, limit: 100, now: T0 });
    const t = performance.now();
    const res = queryRuns(huge, { dags: huge.dags, bounds: { updated: { gte: T0 - 600_000 } }, order: "updated", desc: false, offset: 0, limit: 100, now: T0 });
    expect(performance.now() - t).toBeLessThan(150);
    expect(res.runs).toHaveLength(100);
  });
});
