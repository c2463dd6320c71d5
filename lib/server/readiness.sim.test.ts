import { afterAll, describe, expect, it } from "vitest";
import { FakeClock } from "@/lib/monitor/clock";
import { startMonitoredSim, type MonitoredSim } from "@/lib/testing/monitored-sim";
import { addReadinessCheck, readiness } from "./readiness";

/** `/api/readyz` (contract §10): not before the configuration and the first poll cycle, nor while a check fails. */

let m: MonitoredSim | null = null;
afterAll(async () => {
  await m?.close();
});

describe("readiness", () => {
  it("is not ready without a configuration, nor before the first poll cycle; ready after it; not while storage fails", async () => {
    expect(await readiness(null)).toEqual({ ready: false, why: "configuration not loaded yet" });
    // A clock that has not moved: the monitor started, but no poll has run yet.
    const clock = new FakeClock(Date.now());
    m = await startMonitoredSim([{ id: "a", airflowVersion: "3.1.0", scenario: "healthy" }], { clock });
    expect(await readiness(m.monitor)).toEqual({ ready: true, role: "single" });
    const fresh = { ...m.monitor, environments: () => m!.monitor.environments().map((env) => env.with({ checkedAt: null })) } as unknown as typeof m.monitor;
    const before = await readiness(fresh);
    expect(before.ready).toBe(false);
    expect(before.ready === false && before.why).toContain("first poll cycle not finished (1 of 1");
    // Storage that already held every summary makes it ready before the first cycle.
    addReadinessCheck("storage", () => {}, () => true);
    expect((await readiness(fresh)).ready).toBe(true);
    addReadinessCheck("storage", () => {
      throw new Error("database unreachable");
    });
    expect(await readiness(m.monitor)).toEqual({ ready: false, why: "storage: database unreachable" });
    addReadinessCheck("storage", () => {});
  });
});
