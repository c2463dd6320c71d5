import { describe, expect, it } from "vitest";
import type { DagRun } from "../types";
import { RunCache } from "./run-cache";

const run = (runId: string, startDate: string, state: DagRun["state"] = "success"): DagRun =>
  ({ dagId: "d", runId, state, runType: "scheduled", logicalDate: startDate, startDate, endDate: startDate, updatedAt: startDate });

function cacheOf(runs: DagRun[]): RunCache {
  return new RunCache({ dags: async () => ["d"], fetchRuns: async () => runs, spreadMs: 1000, concurrency: 1 });
}

describe("RunCache time filters", () => {
  // The monitor writes its 24 h bound without milliseconds (`…:00Z`); the CLI gives runs with them.
  const runs = [run("before", "2026-11-20T12:00:00.000Z"), run("at", "2026-11-21T12:00:00.000Z"), run("within", "2026-11-21T12:00:00.500Z"), run("after", "2026-11-21T12:00:01.000Z")];

  it.each([
    ["startDateGte", "2026-11-21T12:00:00Z", ["at", "within", "after"]],
    ["startDateGte", "2026-11-21T12:00:00.400Z", ["within", "after"]],
    ["updatedAtGte", "2026-11-21T12:00:00Z", ["at", "within", "after"]],
  ] as const)("%s %s keeps the runs at or after that instant, as Airflow does", async (key, bound, kept) => {
    const page = await cacheOf(runs).query({ [key]: bound, offset: 0, limit: 100 }, AbortSignal.timeout(5_000));
    expect(page.items.map((r) => r.runId).sort()).toEqual([...kept].sort());
    expect(page.total).toBe(kept.length);
  });
});
