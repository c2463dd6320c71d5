import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as alertsGET } from "@/app/api/v1/alerts/route";
import { POST as testPOST } from "@/app/api/v1/alerts/test/route";
import { DELETE as silenceDELETE } from "@/app/api/v1/silences/[id]/route";
import { GET as silencesGET, POST as silencesPOST } from "@/app/api/v1/silences/route";
import { pagerDutyReceiver, webhookReceiver, type HttpReceiver } from "@/lib/alerts/testing/receivers";
import { startMonitoredSim, type MonitoredSim } from "@/lib/testing/monitored-sim";
import { startAlerting } from "./alerting";
import type { FleetRuntime } from "./fleet";

/** /api/v1/alerts, /api/v1/silences and the test endpoint over a real monitor, simulator and receivers. */

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
let hook: HttpReceiver, pd: HttpReceiver, w: MonitoredSim, runtime: FleetRuntime;

beforeAll(async () => {
  [hook, pd] = await Promise.all([webhookReceiver(SECRET), pagerDutyReceiver("k")]);
  w = await startMonitoredSim([{ id: "sales-prod", tags: { stage: "prod" }, airflowVersion: "3.1.0", scenario: "scheduler-down" }], {
    refresh: { health: 10, runs: 10, dags: 30 },
    edit: (raw) => {
      (raw as unknown as Record<string, unknown>).alerts = {
        channels: [
          { name: "ops", type: "webhook", urlEnv: "ALERT_HOOK_URL", secretEnv: "ALERT_HOOK_SECRET" },
          { name: "oncall", type: "pagerduty", routingKeyEnv: "ALERT_PD_KEY_UNSET" },
        ],
        rules: [{ name: "prod-down", when: { status: ["unhealthy"] }, channels: ["ops"] }],
      };
    },
    beforeMonitor: (sim) => Object.assign(sim.processEnv, { ALERT_HOOK_URL: hook.url, ALERT_HOOK_SECRET: SECRET }),
  });
  const alerting = await startAlerting(w.monitor, w.config);
  runtime = { monitor: w.monitor, config: w.config, demo: false, alerts: alerting!.engine, close: async () => w.monitor.stop() };
  (globalThis as { __flightboard?: Promise<FleetRuntime> }).__flightboard = Promise.resolve(runtime);
  for (let i = 0; i < 5; i++) {
    await w.clock.advance(1000);
    await runtime.alerts!.evaluateNow();
    await runtime.alerts!.settle();
  }
}, 60_000);

afterAll(async () => {
  runtime?.alerts?.stop();
  await w?.close();
  await Promise.all([hook?.close(), pd?.close()]);
  delete (globalThis as { __flightboard?: unknown }).__flightboard;
});

const req = (path: string, init?: RequestInit) => new Request(`http://localhost${path}`, init);

describe("alerts API (contract §8)", () => {
  it("lists alerts with each notification's outcome; filters by state and environment; channels show disabled ones", async () => {
    const body = (await (await alertsGET(req("/api/v1/alerts"))).json()) as { alerts: { id: string; rule: string; state: string; notifications: { channel: string; ok: boolean }[] }[]; channels: { name: string; disabled: string | null }[] };
    expect(body.alerts.map((a) => [a.rule, a.state])).toEqual([["prod-down", "firing"]]);
    expect(body.alerts[0]!.notifications).toMatchObject([{ channel: "ops", ok: true }]);
    expect(body.channels).toEqual([
      { name: "ops", type: "webhook", disabled: null },
      { name: "oncall", type: "pagerduty", disabled: "ALERT_PD_KEY_UNSET is not set" },
    ]);
    expect(JSON.stringify(body)).not.toContain(SECRET);
    expect(((await (await alertsGET(req("/api/v1/alerts?state=resolved"))).json()) as { alerts: unknown[] }).alerts).toEqual([]);
    expect(((await (await alertsGET(req("/api/v1/alerts?environment=nope"))).json()) as { alerts: unknown[] }).alerts).toEqual([]);
    expect((await alertsGET(req("/api/v1/alerts?state=bad"))).status).toBe(400);
  });

  it("silences: create, list, reject bad input, delete", async () => {
    const until = new Date(Date.now() + 3600_000).toISOString();
    const post = (body: unknown, type = "application/json") => silencesPOST(req("/api/v1/silences", { method: "POST", headers: { "content-type": type }, body: JSON.stringify(body) }));
    const created = await post({ environments: { ids: ["sales-*"] }, until, comment: "upgrade" });
    expect(created.status).toBe(201);
    const s = (await created.json()) as { id: string; comment: string; until: string };
    expect(s.comment).toBe("upgrade");
    const list = (await (await silencesGET(req("/api/v1/silences"))).json()) as { silences: { id: string }[] };
    expect(list.silences.map((x) => x.id)).toEqual([s.id]);
    expect((await post({ until: "2020-01-01T00:00:00Z" })).status).toBe(400);
    expect((await post({ until, extra: 1 })).status).toBe(400);
    expect((await post({ until }, "text/plain")).status).toBe(400);
    const muted = (await (await alertsGET(req("/api/v1/alerts?state=firing"))).json()) as { alerts: { muted: boolean }[] };
    expect(muted.alerts[0]!.muted).toBe(true);
    const del = await silenceDELETE(req(`/api/v1/silences/${s.id}`, { method: "DELETE" }), { params: Promise.resolve({ id: s.id }) });
    expect(del.status).toBe(200);
    expect((await silenceDELETE(req("/api/v1/silences/x", { method: "DELETE" }), { params: Promise.resolve({ id: "x" }) })).status).toBe(404);
  });

  it("POST /alerts/test sends a signed test notification; a disabled or unknown channel says so", async () => {
    const before = hook.received.length;
    const ok = await testPOST(req("/api/v1/alerts/test?channel=ops", { method: "POST" }));
    expect(ok.status).toBe(200);
    expect(hook.received.slice(before).map((r) => (r.body as { type: string }).type)).toEqual(["test"]);
    const off = await testPOST(req("/api/v1/alerts/test?channel=oncall", { method: "POST" }));
    expect(off.status).toBe(502);
    expect(await off.json()).toMatchObject({ ok: false, error: expect.stringContaining("channel disabled") });
    expect((await testPOST(req("/api/v1/alerts/test?channel=nope", { method: "POST" }))).status).toBe(404);
  });
});
