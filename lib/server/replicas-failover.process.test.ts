import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webhookReceiver, type HttpReceiver } from "@/lib/alerts/testing/receivers";
import { startSimulator, type Simulator } from "@/sim/index";
import { hasProductionBuild, readyz, restartablePostgres, sleep, startReplicas, tearDownReplicas, until, writeReplicaConfig, type ReplicaServer, type TestPostgres } from "./testing/replicas-servers";

/**
 * Three production servers (dist/server.mjs, Next.js included) on one real PostgreSQL and the
 * simulator, with the default lease (20 s) and `refresh.health` 5 s, so the contract's bound is
 * max(2 × 5, 30) = 30 s. A real webhook receiver on loopback counts every notification:
 *  - `kill -9` of the leader while an alert fires: a follower takes over, continues the alert (no
 *    second firing) and sends its resolution once;
 *  - PostgreSQL stopped under the three: every replica keeps answering its last snapshot (fleet 200,
 *    readyz 503 saying why), and after PostgreSQL is back a leader polls again and the data is fresh.
 */

const HEALTH_S = 5;
const BOUND_MS = Math.max(2 * HEALTH_S * 1000, 30_000);
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const runnable = hasProductionBuild();

type Event = { type: string; data: { alertId: string; environment: { id: string } } };

describe.skipIf(!runnable)("three production replicas: failover and a PostgreSQL restart (contract §11)", () => {
  let pg: TestPostgres;
  let sim: Simulator;
  let hook: HttpReceiver;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const servers: ReplicaServer[] = [];
  const live = () => servers.filter((s) => s.alive());
  const events = () => hook.received.map((r) => r.body as Event);
  const roles = async () => Promise.all(live().map(async (s) => ({ s, r: await readyz(s.url) })));
  const leaderOf = async () => (await roles()).filter((x) => x.r?.role === "leader").map((x) => x.s);
  const fleet = async (s: ReplicaServer) => {
    const r = await fetch(`${s.url}/api/v1/fleet`, { signal: AbortSignal.timeout(5_000) });
    return { status: r.status, body: (await r.json()) as { environments: { id: string; status: string; checkedAt: string | null }[] } };
  };

  beforeAll(async () => {
    const p = await restartablePostgres();
    if (!p) throw new Error("no PostgreSQL binaries (apt-get install postgresql)");
    pg = p;
    hook = await webhookReceiver(SECRET);
    sim = await startSimulator({ environments: ["alpha", "bravo", "charlie"].map((id) => ({ id, airflowVersion: "3.1.0", scenario: "healthy" as const })) });
    const raw = structuredClone(sim.config) as unknown as Record<string, unknown>;
    raw.refresh = { health: HEALTH_S, runs: 600, dags: 600 };
    raw.auth = { mode: "disabled" };
    raw.alerts = {
      publicUrl: "http://board.test",
      channels: [{ name: "ops", type: "webhook", urlEnv: "FB_HOOK_URL", secretEnv: "FB_HOOK_SECRET" }],
      rules: [{ name: "down", when: { status: ["unhealthy", "unreachable"] }, for: 0, channels: ["ops"], repeatMinutes: 0 }],
    };
    const config = writeReplicaConfig("flightboard-replicas-", raw);
    dir = config.dir;
    env = { ...process.env, ...sim.processEnv, FLIGHTBOARD_CONFIG: config.file, FB_DATABASE_URL: pg.url, FB_HOOK_URL: hook.url, FB_HOOK_SECRET: SECRET };
    await startReplicas(servers, env, 3);
    await until("one leader, two followers", async () => {
      const r = await roles();
      return r.filter((x) => x.r?.role === "leader").length === 1 && r.filter((x) => x.r?.role === "follower").length === 2;
    }, 60_000, 250);
  }, 300_000);

  afterAll(() => tearDownReplicas(servers, [() => hook?.close(), () => sim?.close(), () => pg?.drop()], dir), 60_000);

  it("kill -9 of the leader while an alert fires: a follower takes over within the bound, and each notification arrives once", async () => {
    sim.setScenario("bravo", "http-500");
    const firing = await until("the firing notification", () => events().find((e) => e.type === "alert.firing" && e.data.environment.id === "bravo"), 30_000);
    // Every replica answers the same alert (the leader's memory, the followers' mirror of the store).
    await until(
      "every replica to list the alert",
      async () => {
        const lists = await Promise.all(servers.map(async (s) => ((await (await fetch(`${s.url}/api/v1/alerts?state=firing`)).json()) as { alerts: { id: string }[] }).alerts.map((a) => a.id)));
        return lists.every((l) => l.length === 1 && l[0] === firing.data.alertId);
      },
      5_000,
      100,
    );

    const [leader] = await leaderOf();
    const killedAt = Date.now();
    leader.kill9();
    const next = await until("a new leader", async () => (await leaderOf()).find((s) => s !== leader), BOUND_MS + 15_000, 100);
    const takeover = Date.now() - killedAt;
    console.log(`takeover after kill -9 of the leader (default 20 s lease, health ${HEALTH_S} s): ${takeover} ms (bound ${BOUND_MS} ms)`);
    expect(takeover).toBeLessThan(BOUND_MS);

    // The new leader polls (fresh data) and continues the open alert: no second firing while bravo stays down.
    const led = Date.now();
    await until("fresh data from the new leader", async () => (await fleet(next)).body.environments.every((e) => e.checkedAt !== null && Date.parse(e.checkedAt) >= led), 3 * HEALTH_S * 1000, 200);
    await sleep(2 * HEALTH_S * 1000);
    expect(events().filter((e) => e.type === "alert.firing")).toHaveLength(1);

    sim.setScenario("bravo", "healthy");
    const resolved = await until("the resolution", () => events().find((e) => e.type === "alert.resolved"), 30_000);
    expect(resolved.data.alertId).toBe(firing.data.alertId);
    await sleep(2 * HEALTH_S * 1000);
    const ids = hook.received.map((r) => r.headers["webhook-id"]);
    console.log(`notifications received: ${events().map((e) => e.type).join(", ")}`);
    expect(events().map((e) => e.type)).toEqual(["alert.firing", "alert.resolved"]);
    expect(new Set(ids).size).toBe(ids.length);
  }, 180_000);

  it("PostgreSQL restarts under the replicas: they keep serving the last snapshot, say why they are not ready, and recover", async () => {
    const before = await Promise.all(live().map(fleet));
    const stoppedAt = Date.now();
    await pg.stop();
    // Down long enough for the leader's fencing deadline (15 s) to pass: nobody leads while it is gone.
    const notReady = await until(
      "every replica's readyz to say the database is unreachable",
      async () => {
        const r = await Promise.all(live().map((s) => readyz(s.url)));
        return r.every((x) => x?.status === 503 && /database unreachable|storage/.test(x.why ?? "")) && r;
      },
      20_000,
      200,
    );
    console.log(`readyz during the outage: ${JSON.stringify(notReady.map((x) => x?.why))}`);
    const downUntil = stoppedAt + 20_000;
    while (Date.now() < downUntil) {
      for (const [i, s] of live().entries()) {
        const f = await fleet(s);
        expect(f.status).toBe(200);
        expect(f.body.environments.map((e) => e.id).sort()).toEqual(before[i].body.environments.map((e) => e.id).sort());
      }
      await sleep(1_000);
    }
    expect(await leaderOf()).toHaveLength(0);

    const startedAt = Date.now();
    await pg.start();
    const leader = await until("a leader after PostgreSQL is back", async () => (await leaderOf())[0], BOUND_MS + 15_000, 100);
    const recovered = Date.now() - startedAt;
    await until(
      "every replica ready and fresh",
      async () => {
        for (const s of live()) {
          const r = await readyz(s.url);
          if (r?.status !== 200) return false;
          const f = await fleet(s);
          if (!f.body.environments.every((e) => e.checkedAt !== null && Date.parse(e.checkedAt) >= startedAt)) return false;
        }
        return true;
      },
      3 * HEALTH_S * 1000,
      250,
    );
    const fresh = Date.now() - startedAt;
    console.log(`PostgreSQL down ${startedAt - stoppedAt} ms: a leader ${recovered} ms after it was back, every replica ready with fresh data after ${fresh} ms`);
    expect((await leaderOf()).length).toBe(1);
    expect(leader.alive()).toBe(true);
  }, 180_000);
});
