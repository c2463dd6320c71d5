import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlertEngine } from "@/lib/alerts/engine";
import { webhookReceiver, type HttpReceiver } from "@/lib/alerts/testing/receivers";
import { envView } from "@/lib/alerts/testing/views";
import type { EnvView } from "@/lib/alerts/view";
import type { AlertsConfig } from "@/lib/config/alerts";
import { FakeClock } from "@/lib/monitor/clock";
import { HistoryStore } from "./index";
import { freshDatabases, testBackends } from "./testing/backends";

/**
 * Alerting's records in a real database: a process restart (a new HistoryStore on the same
 * database, a new engine) in the middle of a firing alert sends nothing twice, and the
 * resolution that happened while it was down goes out once it has polled.
 */

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
let hook: HttpReceiver;
beforeAll(async () => {
  hook = await webhookReceiver(SECRET);
});
afterAll(async () => {
  await hook.close();
});

const config = (): AlertsConfig => ({
  publicUrl: "http://board.test",
  warnings: [],
  channels: [{ name: "ops", type: "webhook", url: { env: "U", value: hook.url }, secret: { env: "S", value: SECRET }, disabled: null }],
  rules: [{ name: "down", when: { status: ["unreachable"] }, forSeconds: 10, channels: ["ops"], repeatMinutes: 0 }],
  expectations: [],
  maintenance: [],
});

for (const backend of testBackends()) {
  describe(`alert records on ${backend.name}`, () => {
    const { fresh, defer } = freshDatabases(backend);

    it("a restart neither re-sends a firing alert nor forgets its resolution; silences and attempts survive", async () => {
      hook.received.length = 0;
      const target = await fresh();
      const clock = new FakeClock(Date.parse("2026-06-01T12:00:00Z"));
      let env: EnvView = envView({ id: "sales-prod", status: "unreachable", reasons: ["connection refused"] });
      let store: HistoryStore | null = null;
      let engine: AlertEngine | null = null;
      const boot = async () => {
        store = await HistoryStore.open({ target, now: () => clock.now() });
        engine = new AlertEngine({ config: config(), store: store.alertStore(), clock, environments: () => [env], tickMs: 1000, log: () => {} });
        await engine.start();
      };
      const shutdown = async () => {
        engine!.stop();
        await engine!.settle();
        await store!.close();
      };
      defer(async () => {
        engine?.stop();
        await store?.close().catch(() => {});
      });
      const run = async (ms: number) => {
        for (let t = 0; t < ms; t += 1000) {
          await clock.advance(1000);
          await engine!.settle();
        }
      };
      const types = () => hook.received.map((r) => (r.body as { type: string }).type);

      await boot();
      await run(15_000);
      expect(types()).toEqual(["alert.firing"]);
      const id = (hook.received[0]!.body as { data: { alertId: string } }).data.alertId;
      const s = await engine!.addSilence({ dags: { include: ["x_*"] }, until: clock.now() + 3_600_000, comment: "only x DAGs", createdBy: "a@example.com" });
      await shutdown();

      // Restart, still down: nothing new.
      await boot();
      expect(engine!.activeSilences().map((x) => [x.id, x.comment, x.dags])).toEqual([[s.id, "only x DAGs", { include: ["x_*"] }]]);
      expect(engine!.list()[0]!.attempts.map((a) => [a.type, a.ok])).toEqual([["alert.firing", true]]);
      await run(20_000);
      expect(types()).toEqual(["alert.firing"]);
      await shutdown();

      // Recovers while Flightboard is stopped; the next process resolves it once polled.
      env = envView({ id: "sales-prod", status: "healthy", polled: false });
      await boot();
      await run(5_000);
      expect(types()).toEqual(["alert.firing"]);
      env = envView({ id: "sales-prod", status: "healthy" });
      await run(3_000);
      expect(types()).toEqual(["alert.firing", "alert.resolved"]);
      expect((hook.received[1]!.body as { data: { alertId: string } }).data.alertId).toBe(id);
      expect(engine!.list()[0]!.alert).toMatchObject({ id, state: "resolved" });
      await shutdown();

      await boot();
      await run(5_000);
      expect(types()).toEqual(["alert.firing", "alert.resolved"]);
      expect(engine!.list()[0]!.attempts.map((a) => a.type)).toEqual(["alert.firing", "alert.resolved"]);
      expect(await store!.alertStore().deleteSilence(s.id)).toBe(true);
      await shutdown();
    }, 60_000);
  });
}
