import { describe, expect, it } from "vitest";
import type { EnvironmentSummary } from "@/lib/monitor/dto";
import { knowledgeOf, knownAt, unknownWords } from "./knowledge";

const base = {
  status: "healthy",
  stale: false,
  checkedAt: "2026-12-01T10:00:05Z",
  lastSuccessAt: "2026-12-01T10:00:05Z",
  dags: { total: 1, active: 1, paused: 0, failing: 0, importErrors: 0 },
  runs: { running: 0, queued: 0, failed24h: 0, succeeded24h: 1 },
} as EnvironmentSummary;

describe("knowledge on the client", () => {
  it("reads the server's freshness; several parts together are as known as the least known", () => {
    const env = { ...base, freshness: { health: "current", dags: "last-known", runs: "unknown", dagsAt: "2026-12-01T09:00:00Z", runsAt: null } } as EnvironmentSummary;
    expect(knowledgeOf(env, "health")).toBe("current");
    expect(knowledgeOf(env, "health", "dags")).toBe("last-known");
    expect(knowledgeOf(env, "dags", "runs")).toBe("unknown");
    expect(knownAt(env, "dags")).toBe("2026-12-01T09:00:00Z");
    expect(knownAt(env, "dags", "runs")).toBeNull();
  });

  it("falls back on the older fields when a summary has no freshness", () => {
    expect(knowledgeOf(base, "health", "dags", "runs")).toBe("current");
    expect(knowledgeOf({ ...base, status: "unreachable" }, "dags")).toBe("last-known");
    expect(knowledgeOf({ ...base, stale: true }, "health")).toBe("last-known");
    expect(knowledgeOf({ ...base, runs: null }, "runs")).toBe("unknown");
    expect(knowledgeOf({ ...base, lastSuccessAt: null }, "health")).toBe("unknown");
  });

  it("says why something is unknown", () => {
    expect(unknownWords({ ...base, checkedAt: null }, "dags")).toBe("the first check has not finished yet");
    expect(unknownWords({ ...base, lastSuccessAt: null }, "runs")).toBe("the environment has not been reached since monitoring began");
    expect(unknownWords(base, "dags")).toBe("the DAG list has not been received yet");
  });
});
