import { describe, expect, it } from "vitest";
import type { DagRun } from "@/lib/airflow/types";
import { RunStore } from "@/lib/monitor/run-store";
import { parseRuns, runsJson } from "./replica-dags";

/** What the leader stores per DAG and how it finds the DAGs to store (replica-dags.ts). */

function run(dagId: string, runId: string, state: DagRun["state"], start: string): DagRun {
  return { dagId, runId, state, runType: "scheduled", logicalDate: start, startDate: start, endDate: state === "running" ? null : start, updatedAt: start };
}

describe("the DAG cache's per-DAG runs", () => {
  it("a poll that moved one DAG's runs changes only that DAG; a DAG gone from the list is removed", () => {
    const s = new RunStore();
    s.ingest(run("a", "1", "success", "2026-12-06T10:00:00Z"));
    s.ingest(run("b", "1", "failed", "2026-12-06T10:00:00Z"));
    const first = s.index();
    expect(first.changedSince(first)).toEqual({ changed: [], removed: [] });
    s.ingest(run("b", "2", "running", "2026-12-06T11:00:00Z"));
    const second = s.index();
    expect(second.changedSince(first)).toEqual({ changed: ["b"], removed: [] });
    s.retainDags(new Set(["b"]));
    expect(s.index().changedSince(second)).toEqual({ changed: [], removed: ["a"] });
  });

  it("stores a run that is newest, latest finished and last success once, and a follower loads the same lookups", () => {
    const leader = new RunStore();
    leader.ingest(run("a", "1", "success", "2026-12-06T10:00:00Z"));
    leader.ingest(run("b", "1", "success", "2026-12-06T09:00:00Z"));
    leader.ingest(run("b", "2", "failed", "2026-12-06T10:00:00Z"));
    leader.ingest(run("b", "3", "running", "2026-12-06T11:00:00Z"));
    const idx = leader.index();
    const a = runsJson(idx.of("a"));
    expect(a.match(/"runId"/g)).toHaveLength(1);
    expect(runsJson(idx.of("b")).match(/"runId"/g)).toHaveLength(3);

    const follower = new RunStore();
    follower.ingest(run("gone", "1", "success", "2026-12-06T08:00:00Z"));
    follower.load([["a", parseRuns(a)], ["b", parseRuns(runsJson(idx.of("b")))]], true);
    for (const id of ["a", "b", "gone"]) {
      expect(follower.index().of(id)).toEqual(idx.of(id));
      expect(follower.lastRunState(id)).toBe(leader.lastRunState(id));
    }
    // A run stored once is one object again (the identity the next comparison relies on).
    const loaded = follower.index().of("a");
    expect(loaded.latest).toBe(loaded.newest);
    expect(loaded.success).toBe(loaded.newest);
    // A DAG with no entries left is forgotten by a partial load.
    follower.load([["a", {}]], false);
    expect(follower.index().dagIds()).toEqual(new Set(["b"]));
  });
});
