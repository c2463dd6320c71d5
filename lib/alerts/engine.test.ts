import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { AlertsConfig, ChannelConfig } from "@/lib/config/alerts";
import { FakeClock } from "@/lib/monitor/clock";
import { AlertEngine } from "./engine";
import { MemoryAlertStore } from "./records";
import { pagerDutyReceiver, webhookReceiver, type HttpReceiver } from "./testing/receivers";
import { envView } from "./testing/views";
import type { EnvView } from "./view";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const ROUTING = "R0UT1NGKEYabcdef0123456789abcdef";
let hook: HttpReceiver, pd: HttpReceiver;

beforeAll(async () => {
  [hook, pd] = await Promise.all([webhookReceiver(SECRET), pagerDutyReceiver(ROUTING)]);
});
afterAll(async () => {
  await Promise.all([hook.close(), pd.close()]);
});
beforeEach(() => {
  hook.received.length = 0;
  hook.rejected.length = 0;
  pd.received.length = 0;
});

function config(p: Partial<AlertsConfig> = {}): AlertsConfig {
  const channels: ChannelConfig[] = [
    { name: "ops", type: "webhook", url: { env: "U", value: hook.url }, secret: { env: "S", value: SECRET }, disabled: null },
    { name: "oncall", type: "pagerduty", routingKey: { env: "K", value: ROUTING }, endpoint: pd.url, disabled: null },
  ];
  return {
    publicUrl: "http://board.test",
    warnings: [],
    channels,
    rules: [{ name: "prod-down", when: { status: ["unhealthy", "unreachable"] }, forSeconds: 60, channels: ["ops", "oncall"], repeatMinutes: 0 }],
    expectations: [],
    maintenance: [],
    ...p,
  };
}

/** A world: one environment whose status the test sets, a driven clock, and engines that share a store. */
function world(cfg: AlertsConfig, start = "2026-06-01T12:00:00Z") {
  const clock = new FakeClock(Date.parse(start));
  const store = new MemoryAlertStore();
  let env: EnvView = envView({ id: "sales-prod", name: "Sales (prod)", tags: { team: "sales" } });
  const logs: string[] = [];
  const make = () => new AlertEngine({ config: cfg, store, clock, environments: () => [env], tickMs: 2000, log: (m) => logs.push(m) });
  let engine = make();
  return {
    clock,
    store,
    logs,
    get engine() {
      return engine;
    },
    set(p: Partial<Parameters<typeof envView>[0]>) {
      env = envView({ ...env, ...p, id: "sales-prod" });
    },
    async run(ms: number) {
      for (let t = 0; t < ms; t += 1000) {
        await clock.advance(1000);
        await engine.settle();
      }
    },
    async restart(whileDown: () => void = () => {}) {
      engine.stop();
      whileDown();
      engine = make();
      await engine.start();
    },
  };
}

const types = (r: HttpReceiver) => r.received.map((x) => (x.body as { type: string }).type);
const pdActions = () => pd.received.map((x) => [(x.body as { event_action: string }).event_action, (x.body as { dedup_key: string }).dedup_key]);

describe("alert life cycle (contract §8) with a driven clock and real receivers", () => {
  it("fires once after `for`, sends one resolution, PagerDuty trigger then resolve with one dedup_key", async () => {
    const w = world(config());
    await w.engine.start();
    w.set({ status: "unreachable", reasons: ["connection refused"] });
    await w.run(58_000);
    expect(hook.received).toHaveLength(0);
    await w.run(4_000);
    expect(types(hook)).toEqual(["alert.firing"]);
    const firing = hook.received[0]!.body as { data: { alertId: string; environment: { name: string }; url: string; reasons: string[] } };
    expect(firing.data).toMatchObject({ environment: { name: "Sales (prod)" }, url: "http://board.test/environments/sales-prod", reasons: ["connection refused"] });
    await w.run(120_000);
    expect(types(hook)).toEqual(["alert.firing"]);
    w.set({ status: "healthy", reasons: [] });
    await w.run(4_000);
    expect(types(hook)).toEqual(["alert.firing", "alert.resolved"]);
    expect((hook.received[1]!.body as { data: { alertId: string } }).data.alertId).toBe(firing.data.alertId);
    expect(pdActions()).toEqual([
      ["trigger", firing.data.alertId],
      ["resolve", firing.data.alertId],
    ]);
    expect(hook.rejected).toEqual([]);
    const [listed] = w.engine.list();
    expect(listed!.alert).toMatchObject({ state: "resolved", rule: "prod-down" });
    expect(listed!.attempts.map((a) => [a.channel, a.type, a.ok])).toEqual([
      ["ops", "alert.firing", true],
      ["oncall", "alert.firing", true],
      ["ops", "alert.resolved", true],
      ["oncall", "alert.resolved", true],
    ]);
  });

  it("a condition that clears before `for` never fires", async () => {
    const w = world(config());
    await w.engine.start();
    w.set({ status: "unhealthy" });
    await w.run(30_000);
    w.set({ status: "healthy" });
    await w.run(4_000);
    w.set({ status: "unhealthy" });
    await w.run(40_000);
    expect(hook.received).toHaveLength(0);
  });

  it("a restart in the middle of a firing alert sends nothing again; a resolution that happened while down is sent after start", async () => {
    const w = world(config());
    await w.engine.start();
    w.set({ status: "unreachable" });
    await w.run(64_000);
    expect(types(hook)).toEqual(["alert.firing"]);
    // Restart while still firing: the restored environment is not polled yet, then is polled and still down.
    await w.restart(() => w.set({ polled: false }));
    await w.run(10_000);
    w.set({ polled: true });
    await w.run(30_000);
    expect(types(hook)).toEqual(["alert.firing"]);
    // Down while it recovers; the new process sends the resolution once it has polled.
    await w.restart(() => w.set({ status: "healthy", polled: false }));
    await w.run(6_000);
    expect(types(hook)).toEqual(["alert.firing"]);
    w.set({ polled: true });
    await w.run(4_000);
    expect(types(hook)).toEqual(["alert.firing", "alert.resolved"]);
    expect(pdActions().map((x) => x[0])).toEqual(["trigger", "resolve"]);
    await w.restart();
    await w.run(10_000);
    expect(types(hook)).toEqual(["alert.firing", "alert.resolved"]);
  });

  it("a delivery queued but not sent before a restart is sent by the next process, once", async () => {
    const w = world(config());
    await w.engine.start();
    hook.failNext(1);
    w.set({ status: "unreachable" });
    await w.run(62_000);
    expect(hook.received).toHaveLength(0);
    await w.restart();
    await w.run(10_000);
    expect(types(hook)).toEqual(["alert.firing"]);
    await w.run(60_000);
    expect(types(hook)).toEqual(["alert.firing"]);
  });

  it("retries with backoff and records every attempt", async () => {
    const w = world(config({ rules: [{ name: "r", when: { status: ["unreachable"] }, forSeconds: 0, channels: ["ops"], repeatMinutes: 0 }] }));
    await w.engine.start();
    hook.failNext(3);
    w.set({ status: "unreachable" });
    await w.run(60_000);
    expect(types(hook)).toEqual(["alert.firing"]);
    const attempts = w.engine.list()[0]!.attempts;
    expect(attempts.map((a) => [a.ok, a.error])).toEqual([
      [false, "HTTP 500"],
      [false, "HTTP 500"],
      [false, "HTTP 500"],
      [true, null],
    ]);
    const gaps = attempts.slice(1).map((a, i) => a.at - attempts[i]!.at);
    expect(gaps).toEqual([5000, 10000, 20000]);
    expect(w.logs.filter((l) => l.includes("failed (attempt")).length).toBe(3);
  });

  it("reminders every repeatMinutes while firing", async () => {
    const w = world(config({ rules: [{ name: "r", when: { status: ["unreachable"] }, forSeconds: 0, channels: ["ops"], repeatMinutes: 10 }] }));
    await w.engine.start();
    w.set({ status: "unreachable" });
    await w.run(25 * 60_000);
    expect(types(hook)).toEqual(["alert.firing", "alert.reminder", "alert.reminder"]);
  });

  it("nothing is sent inside a maintenance window; what still fires when it ends is sent then, once", async () => {
    const cfg = config({
      rules: [{ name: "r", when: { status: ["unreachable"] }, forSeconds: 0, channels: ["ops", "oncall"], repeatMinutes: 0 }],
      maintenance: [{ name: "sunday", environments: { tags: { team: "sales" } }, days: ["sun"], at: "02:00", timezone: "Europe/Berlin", durationMinutes: 30 }],
    });
    // Sunday 7 June 2026, 02:00 Berlin = 00:00Z.
    const w = world(cfg, "2026-06-07T00:00:00Z");
    await w.engine.start();
    w.set({ status: "unreachable" });
    await w.run(29 * 60_000);
    expect(hook.received).toHaveLength(0);
    expect(w.engine.list()[0]!.alert.state).toBe("firing");
    await w.run(2 * 60_000);
    expect(types(hook)).toEqual(["alert.firing"]);
    // After the window the resolution goes out at once.
    w.set({ status: "healthy" });
    await w.run(4_000);
    expect(types(hook)).toEqual(["alert.firing", "alert.resolved"]);
  });

  it("silences mute until lifted or expired; an alert opened and closed inside one sends nothing", async () => {
    const w = world(config({ rules: [{ name: "r", when: { status: ["unreachable"] }, forSeconds: 0, channels: ["ops"], repeatMinutes: 0 }] }));
    await w.engine.start();
    const s = await w.engine.addSilence({ environments: { ids: ["sales-*"] }, until: w.clock.now() + 3_600_000, comment: "upgrade", createdBy: "admin@example.com" });
    w.set({ status: "unreachable" });
    await w.run(10_000);
    w.set({ status: "healthy" });
    await w.run(10_000);
    expect(hook.received).toHaveLength(0);
    w.set({ status: "unreachable" });
    await w.run(10_000);
    expect(hook.received).toHaveLength(0);
    await w.engine.removeSilence(s.id);
    await w.run(4_000);
    expect(types(hook)).toEqual(["alert.firing"]);
  });
});
