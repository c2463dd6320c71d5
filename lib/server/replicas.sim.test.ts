import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateConfig } from "@/lib/config/load";
import type { FlightboardConfig } from "@/lib/config/types";
import { createConnectorForEnvironment } from "@/lib/monitor/connectors";
import { FleetMonitor } from "@/lib/monitor/monitor";
import { HistoryStore } from "@/lib/store/index";
import { testBackends } from "@/lib/store/testing/backends";
import { startSimulator, type Simulator } from "@/sim/index";
import { historyRecorder } from "./history";
import { Replica } from "./replicas";
import { sleep, until } from "./testing/wait";

/**
 * Three replicas in one process, each with its own monitor, history store and lease, against a real
 * PostgreSQL (scripts/with-postgres.mjs) and the simulator on loopback, in real time. Each replica
 * reaches the database through its own TCP proxy, so a test can cut one off the network.
 */

const HEALTH_S = 5;
const TTL_MS = 4_000;
const ENVS = ["alpha", "bravo", "charlie"];
const pgBackend = testBackends().find((b) => b.name === "postgres");

/** A loopback TCP proxy to PostgreSQL that can be cut (every connection dropped, new ones refused). */
async function proxy(target: URL): Promise<{ url: string; cut(): void; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let down = false;
  const server = net.createServer((client) => {
    if (down) return client.destroy();
    const up = net.connect(Number(target.port), target.hostname);
    sockets.add(client).add(up);
    const drop = () => (client.destroy(), up.destroy(), sockets.delete(client), sockets.delete(up));
    client.on("error", drop).on("close", drop).pipe(up);
    up.on("error", drop).on("close", drop).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const u = new URL(target);
  u.port = String((server.address() as net.AddressInfo).port);
  return {
    url: u.toString(),
    cut: () => {
      down = true;
      for (const s of sockets) s.destroy();
    },
    close: () => new Promise((r) => (sockets.forEach((s) => s.destroy()), server.close(() => r()))),
  };
}

interface Node {
  monitor: FleetMonitor;
  store: HistoryStore;
  replica: Replica;
  net: Awaited<ReturnType<typeof proxy>>;
}


describe.skipIf(!pgBackend)("several replicas on one PostgreSQL (contract §11)", () => {
  let sim: Simulator;
  let config: FlightboardConfig;
  let db: { target: { kind: string; url?: string }; drop(): Promise<void> };
  const nodes: Node[] = [];
  /** Samples of how many replicas poll at once, every 50 ms through the whole suite. */
  let maxPolling = 0;
  let sampler: NodeJS.Timeout;

  const healthRequests = () => Object.entries(sim.stats().byRoute).reduce((n, [k, v]) => (/health/.test(k) ? n + v : n), 0);
  const leaders = () => nodes.filter((n) => n.replica.current === "leader");

  async function addNode(): Promise<Node> {
    const net = await proxy(new URL((db.target as { url: string }).url));
    const store = await HistoryStore.open({ target: { kind: "postgres", url: net.url }, writer: { intervalMs: 200 } });
    const monitor = new FleetMonitor({ config, createConnector: createConnectorForEnvironment, stagger: false, onPoll: historyRecorder(store, HEALTH_S * 1000) });
    const replica = new Replica({ monitor, store, url: net.url, ttlMs: TTL_MS, retryMs: 200, log: () => {} });
    replica.start();
    const node = { monitor, store, replica, net };
    nodes.push(node);
    return node;
  }

  beforeAll(async () => {
    db = await pgBackend!.fresh();
    sim = await startSimulator({ environments: ENVS.map((id) => ({ id, airflowVersion: "2.10.5", scenario: "healthy" as const })) });
    const raw = structuredClone(sim.config);
    raw.refresh = { health: HEALTH_S, runs: 600, dags: 600 };
    config = validateConfig(raw, "test", sim.processEnv);
    for (let i = 0; i < 3; i++) await addNode();
    sampler = setInterval(() => (maxPolling = Math.max(maxPolling, nodes.filter((n) => n.monitor.polling).length)), 50);
    await until("a leader", () => leaders().length === 1, 10_000);
  });

  afterAll(async () => {
    clearInterval(sampler);
    for (const n of nodes) {
      await n.replica.stop();
      n.monitor.stop();
      await n.store.close();
      await n.net.close();
    }
    await sim?.close();
    await db?.drop();
  });

  it("exactly one replica polls: upstream health requests per cycle equal the environments", async () => {
    expect(leaders()).toHaveLength(1);
    expect(nodes.filter((n) => n.monitor.polling)).toHaveLength(1);
    await sleep(1_000);
    const before = healthRequests();
    const windowS = 20;
    await sleep(windowS * 1000);
    const perCycle = (healthRequests() - before) / (windowS / HEALTH_S);
    console.log(`replicas: ${nodes.length}, environments: ${ENVS.length}, health requests per ${HEALTH_S} s cycle: ${perCycle.toFixed(2)}`);
    // One poller: ENVS per cycle (±1 poll per environment at the window's edges); three pollers would make it 9.
    expect(perCycle).toBeGreaterThanOrEqual(ENVS.length * 0.7);
    expect(perCycle).toBeLessThanOrEqual(ENVS.length * 1.3);
  });

  it("followers show the leader's summaries within 2 s of a change", async () => {
    const leader = leaders()[0];
    const followers = nodes.filter((n) => n !== leader);
    sim.setScenario("bravo", "http-500");
    await until("the leader to see bravo fail", () => leader.monitor.environment("bravo")!.summary.status !== "healthy", 15_000);
    const seen = Date.now();
    const json = () => JSON.stringify(leader.monitor.environments().map((r) => r.summary));
    await until("followers to match the leader", () => followers.every((f) => JSON.stringify(f.monitor.environments().map((r) => r.summary)) === json()), 2_000);
    console.log(`followers matched the leader ${Date.now() - seen} ms after its change`);
    for (const f of followers) expect(f.monitor.environment("bravo")!.summary.status).toBe(leader.monitor.environment("bravo")!.summary.status);
    sim.setScenario("bravo", "healthy");
  });

  it("a leader that stops hands over at once; one cut off the database steps down before another takes over", async () => {
    const first = leaders()[0];
    const t0 = Date.now();
    await first.replica.stop();
    first.monitor.stop();
    const second = await until("a new leader after stop", () => leaders().find((n) => n !== first), 5_000);
    const handover = Date.now() - t0;
    console.log(`takeover after a stop (SIGTERM): ${handover} ms`);
    expect(handover).toBeLessThan(3_000);
    expect(second.monitor.polling).toBe(true);

    // Network cut between the leader and PostgreSQL: it cannot renew, steps down by itself at
    // 0.75 × lease, and the remaining follower takes over once the lease expired.
    const cutAt = Date.now();
    second.net.cut();
    const third = await until("a leader after the cut", () => leaders().find((n) => n !== first && n !== second), 30_000);
    const takeover = Date.now() - cutAt;
    console.log(`takeover after a network cut (lease ${TTL_MS} ms): ${takeover} ms`);
    expect(second.replica.current).toBe("follower");
    expect(second.monitor.polling).toBe(false);
    expect(takeover).toBeLessThan(Math.max(2 * HEALTH_S * 1000, 30_000));
    // Fresh data from the new leader.
    const checked = Date.now();
    await until("a fresh poll by the new leader", () => third.monitor.environments().every((r) => r.checkedAt !== null && r.checkedAt >= checked), 3 * HEALTH_S * 1000);
    expect(maxPolling).toBe(1);

    // Per-DAG runs, the one read that calls Airflow, answer on every replica: the leader, and the one
    // that stepped down (its polls were aborted, its on-demand reads must not be).
    const dagId = await until("the new leader's DAG list", () => [...(third.monitor.environment("alpha")!.dags?.keys() ?? [])][0], 15_000);
    for (const n of [third, second]) expect((await n.monitor.dagRuns("alpha", dagId, 5)).length).toBeGreaterThan(0);
  });
});
