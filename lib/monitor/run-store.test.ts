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

describe("RunStore", () => {
  it("keeps each DAG's most recent finished run by start date, ignoring running runs", () => {
    const s = new RunStore();
    s.ingest(run("a", "1", "failed", 120, 110));
    s.ingest(run("a", "2", "success", 300, 290)); // older, arrives later
    s.ingest(run("a", "3", "running", 10));
    expect(s.latestFinished("a")?.runId).toBe("1");
    expect(s.lastRunState("a")).toBe("running");
    s.ingest(run("a", "3", "success", 10, 2));
    expect(s.latestFinished("a")?.runId).toBe("3");
    expect(s.lastRunState("a")).toBe("success");
  });

  it("a cleared run that runs again no longer decides the DAG's state", () => {
    const s = new RunStore();
    s.ingest(run("a", "1", "failed", 20, 10));
    s.ingest(run("a", "1", "running", 1));
    expect(s.latestFinished("a")).toBeUndefined();
    expect(s.lastRunState("a")).toBe("running");
  });

  it("forgets DAGs that disappeared", () => {
    const s = new RunStore();
    s.ingest(run("a", "1", "failed", 20, 10));
    s.ingest(run("b", "1", "success", 20, 10));
    s.retainDags(new Set(["b"]));
    expect(s.latestFinished("a")).toBeUndefined();
    expect(s.latestFinished("b")?.runId).toBe("1");
  });

  it("a published index never changes: the next write copies first, and no write means no copy", () => {
    const s = new RunStore();
    s.ingest(run("a", "1", "failed", 20, 10));
    const before = s.index();
    expect(s.index()).toBe(before);
    s.ingest(run("a", "2", "success", 5, 1));
    s.retainDags(new Set(["b"]));
    expect(before.latestFinished("a")?.runId).toBe("1");
    expect(before.lastRunState("a")).toBe("failed");
    const after = s.index();
    expect(after).not.toBe(before);
    expect(after.latestFinished("a")).toBeUndefined();
    // Nothing to forget: the published index stays the current one.
    s.retainDags(new Set(["b"]));
    expect(s.index()).toBe(after);
  });
});
