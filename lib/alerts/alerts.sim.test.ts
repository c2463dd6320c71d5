import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveAlerts, type AlertsConfig } from "@/lib/config/alerts";
import { startMonitoredSim, type MonitoredSim } from "@/lib/testing/monitored-sim";
import { AlertEngine } from "./engine";
import { MonitorViews } from "./monitor-view";
import { MemoryAlertStore } from "./records";
import { pagerDutyReceiver, webhookReceiver, type HttpReceiver } from "./testing/receivers";

/**
 * Alerting end to end below HTTP: the simulator's environments go down and up, the real
 * connectors and monitor poll them on a driven clock, and real receivers get the notifications.
 */

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const ROUTING = "R0UT1NGKEYabcdef0123456789abcdef";
const HEALTH = 10;
const FOR = 30;
let hook: HttpReceiver, pd: HttpReceiver, w: MonitoredSim, engine: AlertEngine, views: MonitorViews;
const store = new MemoryAlertStore();

function alertsConfig(): AlertsConfig {
  return resolveAlerts(
    {
      publicUrl: "http://board.test",
      channels: [
        { name: "ops", type: "webhook", urlEnv: "HOOK_URL", secretEnv: "HOOK_SECRET" },
        { name: "oncall", type: "pagerduty", routingKeyEnv: "PD_KEY", endpoint: pd.url },
      ],
      rules: [
        { name: "prod-down", when: { status: ["unhealthy", "unreachable"] }, for: FOR, environments: { tags: { stage: "prod" } }, channels: ["ops", "oncall"], repeatMinutes: 0 },
        { name: "failing", when: { failingDags: true }, for: 0, channels: ["ops"], repeatMinutes: 0, dags: { include: ["*"], exclude: [] } },
      ],
      expectations: [],
      maintenance: [],
    },
    { HOOK_URL: hook.url, HOOK_SECRET: SECRET, PD_KEY: ROUTING },
  );
}

const startEngine = async () => {
  views = new MonitorViews(w.monitor, []);
  engine = new AlertEngine({ config: alertsConfig(), store, clock: w.clock, environments: () => views.views(), tickMs: 2000, log: () => {} });
  await engine.start();
};

async function run(ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 1000) {
    await w.clock.advance(1000);
    await w.monitor.settle();
    await engine.settle();
  }
}

const events = () => hook.received.map((r) => r.body as { type: string; data: { alertId: string; rule: string; environment: { id: string }; dagId: string | null; status: string } });

beforeAll(async () => {
  [hook, pd] = await Promise.all([webhookReceiver(SECRET), pagerDutyReceiver(ROUTING)]);
  w = await startMonitoredSim(
    [
      { id: "sales-prod", tags: { stage: "prod" }, airflowVersion: "2.10.5", scenario: "healthy" },
      { id: "mkt-prod", tags: { stage: "prod" }, airflowVersion: "3.1.0", scenario: "healthy" },
      { id: "dev", tags: { stage: "dev" }, airflowVersion: "3.1.0", scenario: "healthy" },
    ],
    { refresh: { health: HEALTH, runs: 10, dags: 30 } },
  );
  await startEngine();
  await run(5_000);
}, 60_000);

afterAll(async () => {
  engine?.stop();
  await w?.close();
  await Promise.all([hook?.close(), pd?.close()]);
});

describe("alerts over the simulator", () => {
  it("an environment that goes down fires once within refresh.health + for + 10 s, and resolves once when it is back", async () => {
    const downAt = w.clock.now();
    w.sim.setScenario("sales-prod", "http-500");
    w.sim.setScenario("dev", "http-500");
    let firedAt: number | null = null;
    for (let i = 0; i < HEALTH + FOR + 10 && firedAt === null; i++) {
      await run(1_000);
      if (events().some((e) => e.type === "alert.firing")) firedAt = w.clock.now();
    }
    expect(firedAt).not.toBeNull();
    expect(firedAt! - downAt).toBeLessThanOrEqual((HEALTH + FOR + 10) * 1000);
    await run(60_000);
    expect(events().map((e) => [e.type, e.data.rule, e.data.environment.id, e.data.status])).toEqual([["alert.firing", "prod-down", "sales-prod", "unreachable"]]);
    w.sim.setScenario("sales-prod", "healthy");
    await run(HEALTH * 1000 + 5_000);
    const ev = events();
    expect(ev.map((e) => e.type)).toEqual(["alert.firing", "alert.resolved"]);
    expect(ev[1]!.data.alertId).toBe(ev[0]!.data.alertId);
    const pdEvents = pd.received.map((r) => r.body as { event_action: string; dedup_key: string });
    expect(pdEvents.map((e) => [e.event_action, e.dedup_key])).toEqual([
      ["trigger", ev[0]!.data.alertId],
      ["resolve", ev[0]!.data.alertId],
    ]);
    const text = JSON.stringify(hook.received.map((r) => r.raw)) + JSON.stringify(pd.received.map((r) => r.raw));
    expect(text).not.toContain(SECRET.slice(6));
    w.sim.setScenario("dev", "healthy");
  }, 120_000);

  it("failing DAGs fire one alert per DAG and survive a restart without a second message", async () => {
    hook.received.length = 0;
    w.sim.setScenario("mkt-prod", "failing-dags");
    await run(40_000);
    const firing = events().filter((e) => e.type === "alert.firing" && e.data.rule === "failing");
    expect(firing.length).toBeGreaterThan(0);
    expect(new Set(firing.map((e) => e.data.dagId)).size).toBe(firing.length);
    engine.stop();
    await startEngine();
    await run(40_000);
    expect(events().filter((e) => e.type === "alert.firing" && e.data.rule === "failing")).toHaveLength(firing.length);
    w.sim.setScenario("mkt-prod", "healthy");
    await run(40_000);
    const resolved = events().filter((e) => e.type === "alert.resolved" && e.data.rule === "failing");
    expect(resolved.map((e) => e.data.alertId).sort()).toEqual(firing.map((e) => e.data.alertId).sort());
  }, 180_000);
});
