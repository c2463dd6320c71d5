import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as envGET } from "@/app/api/v1/environments/[id]/route";
import { GET as historyGET } from "@/app/api/v1/environments/[id]/history/route";
import { GET as fleetGET } from "@/app/api/v1/fleet/route";
import { GET as incidentsGET } from "@/app/api/v1/incidents/route";
import { createConnectorForEnvironment } from "@/lib/monitor/connectors";
import type { EnvironmentDetail, FleetResponse, HistoryResponse, IncidentsResponse } from "@/lib/monitor/dto";
import { FleetMonitor } from "@/lib/monitor/monitor";
import { HistoryStore } from "@/lib/store/index";
import { startMonitoredSim, type MonitoredSim } from "@/lib/testing/monitored-sim";
import type { FleetRuntime } from "./fleet";
import { attachHistory, historyRecorder } from "./history";

/**
 * History end to end: the simulator's environments go through outages (HTTP 500, scheduler down)
 * and back, polled by the real monitor and connectors on a fake clock, recorded in a real SQLite
 * file; incidents, statusSince, uptime and the API are compared with what was done to them, and a
 * restart restores every environment at once (stale, never unknown) with its open incident.
 */

const H = 5_000;
let dir: string;
let ms: MonitoredSim;
let store: HistoryStore;
const t: Record<string, number> = {};

const req = (p: string) => new Request(`http://localhost${p}`);
const params = <T,>(p: T) => ({ params: Promise.resolve(p) });
const slot = globalThis as { __flightboard?: Promise<FleetRuntime>; __flightboardHistory?: HistoryStore | null };

async function openStore(now: () => number): Promise<HistoryStore> {
  return HistoryStore.open({ target: { kind: "sqlite", path: path.join(dir, "history.db") }, now, writer: { intervalMs: 60_000 } });
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "flightboard-history-"));
  const clock = (await import("@/lib/monitor/clock")).FakeClock;
  const fake = new clock(Date.parse("2026-11-21T12:00:00Z"));
  store = await openStore(() => fake.now());
  ms = await startMonitoredSim(
    [
      { id: "web", airflowVersion: "2.10.5", scenario: "healthy" },
      { id: "sched", airflowVersion: "3.1.0", scenario: "healthy" },
    ],
    { clock: fake, refresh: { health: 5, runs: 10, dags: 30 }, monitor: { stagger: false, onPoll: historyRecorder(store, H) } },
  );
  slot.__flightboard = Promise.resolve({ monitor: ms.monitor, config: ms.config, demo: false, close: async () => {} });
  slot.__flightboardHistory = store;
  attachHistory(store, ms.monitor);
  const step = async (msTotal: number) => {
    for (let i = 0; i < msTotal / H; i++) {
      await ms.clock.advance(H);
      await ms.monitor.settle();
    }
  };
  await step(60_000);
  t.outage = ms.clock.now();
  ms.sim.setScenario("web", "http-500");
  ms.sim.setScenario("sched", "scheduler-down");
  await step(60_000);
  t.back = ms.clock.now();
  ms.sim.setScenario("web", "healthy");
  await step(60_000);
  await store.maintain();
}, 120_000);

afterAll(async () => {
  ms?.monitor.stop();
  await store?.close();
  await ms?.sim.close();
  delete slot.__flightboard;
  delete slot.__flightboardHistory;
  rmSync(dir, { recursive: true, force: true });
});

describe("history of a fleet through outages", () => {
  it("records one incident per outage with its worst status, start and end", async () => {
    const body = (await (await incidentsGET(req("/api/v1/incidents"))).json()) as IncidentsResponse;
    const web = body.incidents.filter((i) => i.environmentId === "web");
    expect(web).toHaveLength(1);
    expect(web[0].status).toBe("unreachable");
    // Opened by the first poll after the switch, closed by the first healthy one: within one interval.
    expect(Date.parse(web[0].startedAt) - t.outage).toBeGreaterThanOrEqual(0);
    expect(Date.parse(web[0].startedAt) - t.outage).toBeLessThanOrEqual(H);
    expect(Date.parse(web[0].endedAt!) - t.back).toBeGreaterThanOrEqual(0);
    // The data calls failed too; the environment is healthy again once the DAG list is re-read
    // (refresh.dags = 30 s): degraded until then, and an incident lasts while it is not healthy.
    expect(Date.parse(web[0].endedAt!) - t.back).toBeLessThanOrEqual(30_000 + H);
    expect(web[0].endedAt).toBe(ms.monitor.environment("web")!.summary.statusSince);
    expect(web[0].durationS).toBe((Date.parse(web[0].endedAt!) - Date.parse(web[0].startedAt)) / 1000);
    const sched = body.incidents.filter((i) => i.environmentId === "sched");
    expect(sched).toHaveLength(1);
    expect(sched[0]).toMatchObject({ status: "unhealthy", endedAt: null });
    expect(sched[0].reasons.some((r) => /scheduler/.test(r))).toBe(true);
    const open = (await (await incidentsGET(req("/api/v1/incidents?state=open"))).json()) as IncidentsResponse;
    expect(open.incidents.map((i) => i.environmentId)).toEqual(["sched"]);
    expect((await incidentsGET(req("/api/v1/incidents?from=yesterday"))).status).toBe(400);
    expect((await incidentsGET(req("/api/v1/incidents?limit=5000"))).status).toBe(400);
  });

  it("puts statusSince and time-weighted uptime on every summary", async () => {
    const fleet = (await (await fleetGET(req("/api/v1/fleet"))).json()) as FleetResponse;
    expect(fleet.history).toEqual({ state: "ok", message: null });
    const web = fleet.environments.find((e) => e.id === "web")!;
    expect(web.status).toBe("healthy");
    expect(Date.parse(web.statusSince!) - t.back).toBeLessThanOrEqual(30_000 + H);
    // Up 60 s, down 60 s, up 60 s (degraded counts as up), ± one poll at each edge.
    expect(web.uptime["24h"]).toBeGreaterThan(62);
    expect(web.uptime["24h"]).toBeLessThan(71);
    expect(web.uptime["7d"]).toBe(web.uptime["24h"]);
    const sched = fleet.environments.find((e) => e.id === "sched")!;
    expect(sched.status).toBe("unhealthy");
    expect(Date.parse(sched.statusSince!) - t.outage).toBeLessThanOrEqual(H);
  });

  it("answers the history of one environment in steps, with the outage in it", async () => {
    const from = new Date(t.outage - 60_000).toISOString();
    const to = new Date(t.back + 60_000).toISOString();
    const res = await historyGET(req(`/api/v1/environments/web/history?from=${from}&to=${to}`), params({ id: "web" }));
    const body = (await res.json()) as HistoryResponse;
    expect(body.stepS).toBe(60);
    expect(body.points.length).toBeLessThanOrEqual(500);
    expect(body.points.map((p) => p.status)).toContain("unreachable");
    expect(body.points[0].status).toBe("healthy");
    expect(body.runsPerHour?.length).toBeGreaterThan(0);
    expect((await historyGET(req("/api/v1/environments/nope/history"), params({ id: "nope" }))).status).toBe(404);
    expect((await historyGET(req(`/api/v1/environments/web/history?from=${to}&to=${from}`), params({ id: "web" }))).status).toBe(400);
    const detail = (await (await envGET(req("/api/v1/environments/web?days=7"), params({ id: "web" }))).json()) as EnvironmentDetail;
    expect(Array.isArray(detail.recentFailures)).toBe(true);
    expect((await envGET(req("/api/v1/environments/web?days=31"), params({ id: "web" }))).status).toBe(400);
  });

  it("after a restart shows every environment at once with its last status, stale, and keeps the open incident", async () => {
    const before = (await store.incidents({ limit: 10, state: "open" }))[0];
    ms.monitor.stop();
    await store.close();
    store = await openStore(() => ms.clock.now());
    slot.__flightboardHistory = store;
    const restored = new Map([...store.restored].map(([id, r]) => [id, r.summary]));
    const monitor = new FleetMonitor({ config: ms.config, clock: ms.clock, createConnector: createConnectorForEnvironment, stagger: false, restored, onPoll: historyRecorder(store, H) });
    try {
      const sched = monitor.environment("sched")!.summary;
      expect(sched).toMatchObject({ status: "unhealthy", stale: true });
      expect(monitor.environment("web")!.summary).toMatchObject({ status: "healthy", stale: true });
      monitor.start();
      for (let i = 0; i < 4; i++) {
        await ms.clock.advance(H);
        await monitor.settle();
      }
      expect(monitor.environment("sched")!.summary).toMatchObject({ status: "unhealthy", stale: false });
      expect(monitor.environment("sched")!.summary.statusSince).toBe(sched.statusSince);
      await store.writer.flush();
      const open = await store.incidents({ limit: 10, state: "open" });
      expect(open).toHaveLength(1);
      expect(open[0].id).toBe(before.id);
    } finally {
      monitor.stop();
    }
  });
});
