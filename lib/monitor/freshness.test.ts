import { describe, expect, it } from "vitest";
import { freshnessOf, type FreshnessInput } from "./freshness";

const T = Date.parse("2026-12-01T10:00:00Z");
const ok: FreshnessInput = { healthAt: T, healthFailed: false, dagsAt: T, dagsFailed: false, runsAt: T, runsFailed: false, stale: false };

describe("known, unknown, last known", () => {
  it("is current only after a successful, non-stale poll", () => {
    expect(freshnessOf(ok)).toEqual({ health: "current", dags: "current", runs: "current", dagsAt: "2026-12-01T10:00:00.000Z", runsAt: "2026-12-01T10:00:00.000Z" });
  });

  it("is unknown when never fetched, whatever else failed", () => {
    const never = { ...ok, healthAt: null, dagsAt: null, runsAt: null, healthFailed: true, stale: true };
    expect(freshnessOf(never)).toMatchObject({ health: "unknown", dags: "unknown", runs: "unknown", dagsAt: null, runsAt: null });
    expect(freshnessOf({ ...ok, runsAt: null })).toMatchObject({ health: "current", dags: "current", runs: "unknown" });
  });

  it("is last known once the environment stops answering or its data goes stale", () => {
    expect(freshnessOf({ ...ok, healthFailed: true })).toMatchObject({ health: "last-known", dags: "last-known", runs: "last-known" });
    expect(freshnessOf({ ...ok, stale: true })).toMatchObject({ health: "last-known", dags: "last-known", runs: "last-known" });
  });

  it("marks only the kind whose own poll failed", () => {
    expect(freshnessOf({ ...ok, runsFailed: true })).toMatchObject({ health: "current", dags: "current", runs: "last-known" });
    expect(freshnessOf({ ...ok, dagsFailed: true })).toMatchObject({ health: "current", dags: "last-known", runs: "current" });
  });
});
