import { describe, expect, it } from "vitest";
import type { EnvironmentSummary, FleetChanges } from "@/lib/monitor/dto";
import type { EnvironmentRuntime } from "@/lib/monitor/runtime";
import { FleetChangeTracker } from "./fleet-changes";

/** What the tracker reads of a runtime: its id, summary and the monitor's serialized summary. */
function rt(id: string, status: EnvironmentSummary["status"], checkedAt: string, tags: Record<string, string> = {}): EnvironmentRuntime {
  const summary = { id, name: id.toUpperCase(), status, tags, checkedAt } as EnvironmentSummary;
  return { config: { id }, summary, summaryJson: JSON.stringify(summary) } as unknown as EnvironmentRuntime;
}
const parse = (s: string | null) => (s === null ? null : (JSON.parse(s) as FleetChanges));

describe("FleetChangeTracker", () => {
  it("sends only the environments whose summary changed, and nothing when none did", () => {
    const t = new FleetChangeTracker({ tags: [], statuses: [] });
    t.prime([rt("a", "healthy", "1"), rt("b", "healthy", "1"), rt("c", "healthy", "1")], 0);
    expect(t.next([rt("a", "healthy", "1"), rt("b", "healthy", "1"), rt("c", "healthy", "1")], 0)).toBeNull();
    const c = parse(t.next([rt("a", "healthy", "1"), rt("b", "healthy", "2"), rt("c", "healthy", "1")], 0))!;
    expect(c.changed.map((e) => e.id)).toEqual(["b"]);
    expect(c.order).toBeUndefined();
    expect(c.counts.healthy).toBe(3);
    expect(c.generatedAt).toBe("1970-01-01T00:00:00Z");
  });

  it("sends the order when it changes (worst first), and drops environments that left", () => {
    const t = new FleetChangeTracker({ tags: [], statuses: [] });
    t.prime([rt("a", "healthy", "1"), rt("b", "healthy", "1")], 0);
    const c = parse(t.next([rt("a", "healthy", "1"), rt("b", "unhealthy", "2")], 0))!;
    expect(c.order).toEqual(["b", "a"]);
    expect(c.counts).toMatchObject({ healthy: 1, unhealthy: 1 });
    const gone = parse(t.next([rt("b", "unhealthy", "2")], 0))!;
    expect(gone.order).toEqual(["b"]);
    expect(gone.changed).toEqual([]);
  });

  it("keeps to the stream's filter", () => {
    const t = new FleetChangeTracker({ tags: [{ key: "team", value: "sales" }], statuses: [] });
    t.prime([rt("a", "healthy", "1", { team: "sales" }), rt("b", "healthy", "1", { team: "ops" })], 0);
    expect(t.next([rt("a", "healthy", "1", { team: "sales" }), rt("b", "unhealthy", "2", { team: "ops" })], 0)).toBeNull();
    const c = parse(t.next([rt("a", "degraded", "2", { team: "sales" }), rt("b", "unhealthy", "2", { team: "ops" })], 0))!;
    expect(c.changed.map((e) => e.id)).toEqual(["a"]);
    expect(c.counts).toMatchObject({ degraded: 1, unhealthy: 0 });
  });
});
