import { describe, expect, it } from "vitest";
import type { EnvironmentSummary, FleetChanges } from "@/lib/monitor/dto";
import { snapshotOf } from "@/lib/testing/snapshots";
import { FleetChangeTracker } from "./fleet-changes";

/** What the tracker reads of an environment's snapshot: its id, summary and serialized summary. */
function env(id: string, status: EnvironmentSummary["status"], checkedAt: string, tags: Record<string, string> = {}) {
  return snapshotOf({ id, tags }, { name: id.toUpperCase(), status, checkedAt });
}
const parse = (s: string | null) => (s === null ? null : (JSON.parse(s) as FleetChanges));

describe("FleetChangeTracker", () => {
  it("sends only the environments whose summary changed, and nothing when none did", () => {
    const t = new FleetChangeTracker({ tags: [], statuses: [] });
    t.prime([env("a", "healthy", "1"), env("b", "healthy", "1"), env("c", "healthy", "1")], 0);
    expect(t.next([env("a", "healthy", "1"), env("b", "healthy", "1"), env("c", "healthy", "1")], 0)).toBeNull();
    const c = parse(t.next([env("a", "healthy", "1"), env("b", "healthy", "2"), env("c", "healthy", "1")], 0))!;
    expect(c.changed.map((e) => e.id)).toEqual(["b"]);
    expect(c.order).toBeUndefined();
    expect(c.counts.healthy).toBe(3);
    expect(c.generatedAt).toBe("1970-01-01T00:00:00Z");
  });

  it("sends the order when it changes (worst first), and drops environments that left", () => {
    const t = new FleetChangeTracker({ tags: [], statuses: [] });
    t.prime([env("a", "healthy", "1"), env("b", "healthy", "1")], 0);
    const c = parse(t.next([env("a", "healthy", "1"), env("b", "unhealthy", "2")], 0))!;
    expect(c.order).toEqual(["b", "a"]);
    expect(c.counts).toMatchObject({ healthy: 1, unhealthy: 1 });
    const gone = parse(t.next([env("b", "unhealthy", "2")], 0))!;
    expect(gone.order).toEqual(["b"]);
    expect(gone.changed).toEqual([]);
  });

  it("keeps to the stream's filter", () => {
    const t = new FleetChangeTracker({ tags: [{ key: "team", value: "sales" }], statuses: [] });
    t.prime([env("a", "healthy", "1", { team: "sales" }), env("b", "healthy", "1", { team: "ops" })], 0);
    expect(t.next([env("a", "healthy", "1", { team: "sales" }), env("b", "unhealthy", "2", { team: "ops" })], 0)).toBeNull();
    const c = parse(t.next([env("a", "degraded", "2", { team: "sales" }), env("b", "unhealthy", "2", { team: "ops" })], 0))!;
    expect(c.changed.map((e) => e.id)).toEqual(["a"]);
    expect(c.counts).toMatchObject({ degraded: 1, unhealthy: 0 });
  });
});
