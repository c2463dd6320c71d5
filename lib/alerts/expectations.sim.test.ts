import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveAlerts } from "@/lib/config/alerts";
import { startMonitoredSim, type MonitoredSim } from "@/lib/testing/monitored-sim";
import { evaluate } from "./evaluate";
import { MonitorViews } from "./monitor-view";

/**
 * Expectations over the simulator's DAGs: what they cost in per-DAG calls (only DAGs with a
 * success-based expectation whose last success the run stream has not shown, once each), and that
 * an unreachable environment makes them unknown rather than missed.
 */

let w: MonitoredSim;
beforeAll(async () => {
  w = await startMonitoredSim([{ id: "sales-prod", airflowVersion: "2.10.5", scenario: "healthy", dagCount: 40 }], { refresh: { health: 10, runs: 10, dags: 30 } });
  await w.clock.advance(20_000);
  await w.monitor.settle();
}, 60_000);
afterAll(async () => {
  await w?.close();
});

describe("expectations over the simulator", () => {
  it("bounded per-DAG reads: at most one per expected DAG, none for the rest; unreachable data is unknown", async () => {
    const dagIds = [...w.monitor.environment("sales-prod")!.dags!.keys()];
    expect(dagIds.length).toBe(40);
    const alerts = resolveAlerts(
      {
        channels: [{ name: "ops", type: "slack", urlEnv: "X" }],
        rules: [],
        expectations: [
          { environment: "sales-prod", dag: dagIds[0]!, freshnessHours: 1000, timezone: "UTC", days: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"], channels: ["ops"] },
          { environment: "*", dag: "*", maxDurationMinutes: 100000, timezone: "UTC", days: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"], channels: ["ops"] },
        ],
        maintenance: [],
      },
      { X: "http://127.0.0.1:9" },
    );
    const views = new MonitorViews(w.monitor, alerts.expectations);
    for (let i = 0; i < 5; i++) {
      const ev = evaluate(alerts, views.views(), w.clock.now());
      expect(ev.active).toEqual([]);
      await w.clock.advance(2_000);
      await w.monitor.settle();
    }
    console.log(`expectations: ${views.lookups} per-DAG read(s) for 1 freshness DAG + a duration check over ${dagIds.length} DAGs in 5 passes`);
    expect(views.lookups).toBeLessThanOrEqual(1);

    w.sim.setScenario("sales-prod", "http-500");
    await w.clock.advance(11_000);
    await w.monitor.settle();
    const down = evaluate(alerts, views.views(), w.clock.now() + 10_000 * 3600_000);
    expect(down.active).toEqual([]);
    expect([...down.held].some((k) => k.includes("sales-prod"))).toBe(true);
  });
});
