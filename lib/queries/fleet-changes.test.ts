import { describe, expect, it } from "vitest";
import type { EnvironmentSummary, FleetResponse } from "@/lib/monitor/dto";
import { applyFleetChanges } from "./fleet-changes";

const env = (id: string, status: EnvironmentSummary["status"] = "healthy") => ({ id, name: id, status }) as EnvironmentSummary;
const counts = { healthy: 2, degraded: 0, unhealthy: 0, unreachable: 0, unauthorized: 0, unknown: 0 };
const prev: FleetResponse = { generatedAt: "2026-12-01T00:00:00Z", counts, environments: [env("a"), env("b")] };

describe("applyFleetChanges", () => {
  it("replaces changed environments by id, keeps the others' objects, and takes the new counts and time", () => {
    const b2 = env("b", "healthy");
    const next = applyFleetChanges(prev, { generatedAt: "2026-12-01T00:00:05Z", counts, changed: [b2] })!;
    expect(next.environments.map((e) => e.id)).toEqual(["a", "b"]);
    expect(next.environments[0]).toBe(prev.environments[0]);
    expect(next.environments[1]).toBe(b2);
    expect(next.generatedAt).toBe("2026-12-01T00:00:05Z");
  });

  it("follows a new order, which can add and drop environments", () => {
    const c = env("c", "unhealthy");
    const next = applyFleetChanges(prev, { generatedAt: "t", counts: { ...counts, unhealthy: 1, healthy: 1 }, order: ["c", "b"], changed: [c] })!;
    expect(next.environments.map((e) => e.id)).toEqual(["c", "b"]);
    expect(next.counts.unhealthy).toBe(1);
  });

  it("refuses changes that do not fit the fleet it has (the stream then starts over)", () => {
    expect(applyFleetChanges(prev, { generatedAt: "t", counts, order: ["a", "x"], changed: [] })).toBeNull();
    expect(applyFleetChanges(prev, { generatedAt: "t", counts, changed: [env("x")] })).toBeNull();
  });
});
