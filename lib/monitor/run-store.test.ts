import { describe, expect, it } from "vitest";
import type { DagRun } from "@/lib/airflow/types";
import { RunStore } from "./run-store";

const NOW = Date.parse("2026-11-21T12:00:00Z");
const at = (minAgo: number) => new Date(NOW - minAgo * 60_000).toISOString();

function run(dagId: string, runId: string, state: DagRun["state"], startMinAgo: number | null, endMinAgo: number | null = null): DagRun {
  return {
    dagId,
    runId,
    state,
    runType: "scheduled",
    logicalDate: startMinAgo === null ? at(5) : at(startMinAgo + 1),
    startDate: startMinAgo === null ? null : at(startMinAgo),
    endDate: endMinAgo === null ? null : at(endMinAgo),
    updatedAt: null,
  };
}

function store() {
  const s = new RunStore();
  return Object.assign(s, { add: (r: DagRun) => s.ingest(r, NOW) });
}

describe("RunStore", () => {
  it("keeps each DAG's most recent finished run by start date, ignoring running runs", () => {
    const s = store();
    s.add(run("a", "1", "failed", 120, 110));
    s.add(run("a", "2", "success", 300, 290)); // older, arrives later
    s.add(run("a", "3", "running", 10));
    expect(s.latestFinished("a")?.runId).toBe("1");
    expect(s.lastRunState("a")).toBe("running");
    s.add(run("a", "3", "success", 10, 2));
    expect(s.latestFinished("a")?.runId).toBe("3");
  });

  it("a cleared run that runs again no longer decides the DAG's state", () => {
    const s = store();
    s.add(run("a", "1", "failed", 20, 10));
    s.add(run("a", "1", "running", 1));
    expect(s.latestFinished("a")).toBeUndefined();
  });

  it("counts running, queued and the last 24 h, and prunes older runs", () => {
    const s = store();
    s.add(run("a", "1", "running", 5));
    s.add(run("b", "1", "queued", null));
    s.add(run("c", "1", "failed", 60, 50));
    s.add(run("c", "2", "success", 30, 20));
    s.add(run("d", "1", "success", 25 * 60, 25 * 60 - 5));
    expect(s.counts(NOW)).toEqual({ running: 1, queued: 1, failed24h: 1, succeeded24h: 1 });
    expect(s.recentFailures(NOW, 50).map((r) => r.dagId)).toEqual(["c"]);
    s.prune(NOW);
    expect(s.size).toBe(4); // d/1 started 25 h ago: counted nowhere, yet still the DAG's latest run
    expect(s.latestFinished("d")?.runId).toBe("1");
  });
});
