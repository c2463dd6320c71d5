import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AlertEngine } from "@/lib/alerts/engine";
import { webhookReceiver, type HttpReceiver } from "@/lib/alerts/testing/receivers";
import { validateConfig } from "@/lib/config/load";
import type { FlightboardConfig } from "@/lib/config/types";
import { createConnectorForEnvironment, createDiscoverers } from "@/lib/monitor/connectors";
import { FleetMonitor } from "@/lib/monitor/monitor";
import { HistoryStore } from "@/lib/store/index";
import { testBackends } from "@/lib/store/testing/backends";
import { startSimulator, type Simulator } from "@/sim/index";
import { MWAA_DEMO_ENVIRONMENTS } from "@/sim/mwaa/demo";
import { buildDagList, buildDetail, searchFleet } from "@/lib/monitor/views";
import { historyRecorder } from "./history";
import { startReplica } from "./replica-wiring";
import type { Replica } from "./replicas";
import { until } from "./testing/wait";

/**
 * What followers mirror besides summaries (contract §11), two replicas in one process with the
 * production wiring (startReplica) on a real PostgreSQL and the simulator: environments found by
 * the leader's MWAA discovery, alerting's records (alerts, their notifications, silences), and the
 * DAG cache (DAG lists, search, failing DAGs, import errors), also across a handover.
 */

const HEALTH_S = 5;
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const pgBackend = testBackends().find((b) => b.name === "postgres");

interface Node {
  monitor: FleetMonitor;
  store: HistoryStore;
  replica: Replica;
  alerts: () => AlertEngine | null;
}

describe.skipIf(!pgBackend)("followers mirror discovery and alerting (contract §11)", () => {
  let sim: Simulator;
  let hook: HttpReceiver;
  let config: FlightboardConfig;
  let db: Awaited<ReturnType<NonNullable<typeof pgBackend>["fresh"]>>;
  const nodes: Node[] = [];
  const leader = () => nodes.find((n) => n.replica.current === "leader");
  const follower = () => nodes.find((n) => n.replica.current === "follower")!;
  const ids = (n: Node) => n.monitor.environments().map((env) => env.id);

  async function addNode(): Promise<Node> {
    const url = (db.target as { url: string }).url;
    const store = await HistoryStore.open({ target: { kind: "postgres", url }, writer: { intervalMs: 200 } });
    const monitor = new FleetMonitor({
      config,
      createConnector: createConnectorForEnvironment,
      discoverers: createDiscoverers(config),
      stagger: false,
      onPoll: historyRecorder(store, HEALTH_S * 1000),
    });
    let engine: AlertEngine | null = null;
    const replica = startReplica({ monitor, store, url, config }, (a) => (engine = a?.engine ?? null));
    const node = { monitor, store, replica, alerts: () => engine };
    nodes.push(node);
    return node;
  }

  beforeAll(async () => {
    db = await pgBackend!.fresh();
    hook = await webhookReceiver(SECRET);
    const staging = MWAA_DEMO_ENVIRONMENTS.find((s) => s.id === "logistics-staging")!;
    sim = await startSimulator({
      environments: [
        { id: "alpha", airflowVersion: "2.10.5", scenario: "healthy" },
        // Degraded, not down: the alert rule below leaves them alone.
        { id: "bravo", airflowVersion: "2.10.5", scenario: "failing-dags", dagCount: 40 },
        { id: "charlie", airflowVersion: "3.1.7", scenario: "import-errors", dagCount: 25 },
        staging,
      ],
    });
    // The MWAA planes' settings are process settings the SDK reads (as in demo mode).
    for (const [k, v] of Object.entries(sim.processEnv)) process.env[k] = v;
    const raw = structuredClone(sim.config);
    raw.refresh = { health: HEALTH_S, runs: 10, dags: 30 };
    // The MWAA environment is not listed: it is found by discovery.
    raw.environments = raw.environments.filter((e) => ["alpha", "bravo", "charlie"].includes(String(e.id)));
    (raw as unknown as Record<string, unknown>).alerts = {
      publicUrl: "http://board.test",
      channels: [{ name: "ops", type: "webhook", urlEnv: "HOOK_URL", secretEnv: "HOOK_SECRET" }],
      rules: [{ name: "down", when: { status: ["unhealthy", "unreachable"] }, for: 0, channels: ["ops"], repeatMinutes: 0 }],
    };
    config = validateConfig(raw, "test", { ...process.env, HOOK_URL: hook.url, HOOK_SECRET: SECRET });
    await addNode();
    await until("a leader", () => leader(), 10_000);
    await addNode();
  }, 60_000);

  afterAll(async () => {
    for (const n of nodes) {
      await n.replica.stop();
      n.monitor.stop();
      await n.store.close();
    }
    await hook?.close();
    await sim?.close();
    await db?.drop();
  });

  it("a follower lists the environments the leader discovered, with the leader's summaries", async () => {
    const l = leader()!;
    const discovered = await until("the leader's discovery", () => ids(l).find((id) => id.startsWith("mwaa-")), 20_000);
    const seen = Date.now();
    const f = follower();
    await until("the follower to list it", () => ids(f).includes(discovered), 2_000);
    await until(
      "the follower's summary to match",
      () => JSON.stringify(f.monitor.environment(discovered)?.summary) === JSON.stringify(l.monitor.environment(discovered)?.summary) && l.monitor.environment(discovered)!.checkedAt !== null,
      15_000,
    );
    console.log(`follower listed the discovered environment ${Date.now() - seen} ms after the leader`);
    expect(ids(f).sort()).toEqual(ids(l).sort());
    expect(f.monitor.environment(discovered)!.config).toEqual(l.monitor.environment(discovered)!.config);
    // It only lists it: a follower polls nothing.
    expect(f.monitor.polling).toBe(false);
  });

  it("a follower answers the same alerts, notifications included; a silence added on a follower reaches the leader", async () => {
    const l = leader()!;
    const f = follower();
    expect(f.alerts()).not.toBeNull();
    sim.setScenario("alpha", "http-500");
    const alert = await until("the leader's alert", () => l.alerts()?.list({ state: "firing" })[0], 30_000);
    await until("the notification", () => hook.received.length > 0 && l.alerts()!.list({ state: "firing" })[0].attempts.length > 0, 15_000);
    const sent = Date.now();
    const same = () => JSON.stringify(f.alerts()!.list()) === JSON.stringify(l.alerts()!.list());
    await until("the follower's alerts to match the leader's", same, 2_000);
    console.log(`follower's alerts matched the leader's ${Date.now() - sent} ms after the notification was recorded`);
    expect(f.alerts()!.list({ state: "firing" })[0].alert.id).toBe(alert.alert.id);
    expect(f.alerts()!.firingByEnvironment()).toEqual(l.alerts()!.firingByEnvironment());

    const s = await f.alerts()!.addSilence({ environments: { ids: ["alpha"] }, until: Date.now() + 3_600_000, comment: "maintenance", createdBy: "test" });
    await until("the leader to hold the silence", () => l.alerts()!.activeSilences().some((x) => x.id === s.id), 2_000);
    sim.setScenario("alpha", "healthy");
    await until("the alert to resolve on both", () => [l, f].every((n) => n.alerts()!.list({ state: "firing" }).length === 0), 30_000);
    // One firing notification; the resolution is held by the silence (not sent twice, not sent from the follower).
    expect(hook.received.filter((r) => (r.body as { type: string }).type === "alert.firing")).toHaveLength(1);
    expect(hook.received.filter((r) => (r.body as { type: string }).type === "alert.resolved")).toHaveLength(0);
  });

  /** Every read of the DAG cache (contract §4) as this replica answers it. */
  function dagAnswers(n: Node): string {
    const envs = [...n.monitor.environments()].sort((a, b) => a.id.localeCompare(b.id));
    return JSON.stringify({
      lists: envs.map((e) => [buildDagList(e, {}), buildDagList(e, { sort: "state", offset: 0, limit: 10 }), buildDagList(e, { state: "failed" })]),
      search: [searchFleet(envs, "a"), searchFleet(envs, "dag")],
      details: envs.map((e) => buildDetail(e)),
    });
  }

  it("a follower answers the same DAG lists, search hits, failing DAGs and import errors as the leader, also after a change", async () => {
    const l = leader()!;
    const f = follower();
    await until("the leader's DAG lists and runs", () => l.monitor.environments().length === 4 && l.monitor.environments().every((e) => e.dags && e.runsLoaded), 30_000);
    let t0 = Date.now();
    await until("the follower's DAG cache to match the leader's", () => dagAnswers(f) === dagAnswers(l), 2_000, 20);
    const took = Date.now() - t0;
    const hits = (n: Node) => searchFleet(n.monitor.environments(), "a").total;
    const failing = (n: Node) => n.monitor.environment("bravo")!.failingDags().length;
    const importErrors = (n: Node) => buildDetail(n.monitor.environment("charlie")!).importErrors.length;
    const dagCount = (n: Node) => n.monitor.environments().reduce((sum, e) => sum + (e.dags?.size ?? 0), 0);
    console.log(`DAG cache: leader ${dagCount(l)} DAGs, ${hits(l)} search hits, ${failing(l)} failing, ${importErrors(l)} import errors; follower ${dagCount(f)}, ${hits(f)}, ${failing(f)}, ${importErrors(f)}, matched in ${took} ms`);
    expect(dagCount(f)).toBeGreaterThan(65);
    expect(failing(f)).toBe(3);
    expect(importErrors(f)).toBeGreaterThan(0);

    // Runs and import errors move: the follower follows within 2 s of the leader, and what the
    // leader stores per cycle is what changed, not the whole cache.
    const before = { ...l.replica.dags.stats };
    sim.setScenario("bravo", "healthy");
    sim.setScenario("charlie", "healthy");
    await until("the leader to see bravo fixed and charlie's import errors gone", () => failing(l) === 0 && importErrors(l) === 0, 45_000);
    t0 = Date.now();
    await until("the follower to follow", () => dagAnswers(f) === dagAnswers(l), 2_000, 20);
    console.log(`follower followed the change in ${Date.now() - t0} ms`);
    const after = l.replica.dags.stats;
    console.log(`leader stored ${after.writes - before.writes} writes, ${after.environments - before.environments} environment rows, ${after.runRows - before.runRows} per-DAG run rows, ${after.bytes - before.bytes} bytes meanwhile`);
    expect(failing(f)).toBe(0);
    expect(importErrors(f)).toBe(0);
  }, 90_000);

  it("a follower that takes over keeps serving the DAG cache, and its polls take it on", async () => {
    const l = leader()!;
    const f = follower();
    await until("the follower's DAG cache to match", () => dagAnswers(f) === dagAnswers(l), 5_000, 20);
    const expected = dagAnswers(l);
    const lists = () => buildDagList(f.monitor.environment("bravo")!, {}).total;
    const total = lists();
    // SIGTERM: the leader hands over at once.
    await l.replica.stop();
    l.monitor.stop();
    let min = total;
    await until("the follower to lead", () => ((min = Math.min(min, lists())), f.replica.current === "leader"), 10_000, 10);
    const led = Date.now();
    const stored = { ...f.replica.dags.stats };
    expect(min).toBe(total);
    // Its own polls take over from what it loaded (the runs from the leader's cursor): the same
    // DAGs, and it stores only what its polls changed, not the whole cache again.
    await until("its own DAG polls", () => f.monitor.environments().every((e) => (e.dagsAt ?? 0) > led && e.runsAt !== null && e.runsAt > led), 45_000, 100);
    const ids = (answers: string) => (JSON.parse(answers) as { lists: { dags: { dagId: string }[] }[][] }).lists.map((l) => l[0].dags.map((d) => d.dagId));
    expect(ids(dagAnswers(f))).toEqual(ids(expected));
    const s = f.replica.dags.stats;
    console.log(`new leader's first polls stored ${s.environments - stored.environments} environment rows, ${s.runRows - stored.runRows} per-DAG run rows, ${s.bytes - stored.bytes} bytes`);
    expect(s.runRows - stored.runRows).toBeLessThan(JSON.parse(expected).lists.reduce((n: number, l: { total: number }[]) => n + l[0].total, 0) / 4);
  }, 60_000);
});
