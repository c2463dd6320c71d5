import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FlightboardConfig } from "@/lib/config/types";
import { startMonitoredSim, type MonitoredSim } from "@/lib/testing/monitored-sim";
import type { SimEnvironmentSpec, Simulator } from "@/sim/index";
import { severityRank } from "@/lib/vocabulary";
import { FakeClock } from "./clock";
import type { FleetMonitor } from "./monitor";
import { buildDetail, buildFleet } from "./views";

/**
 * The monitor with the real airflow connector against the simulator on loopback, one environment
 * per scenario, on a fake clock shared by both (real sockets, real timeouts).
 */

const scenarios: SimEnvironmentSpec[] = [
  { id: "v1-healthy", airflowVersion: "2.10.5", scenario: "healthy", auth: "basic" },
  { id: "v2-healthy", airflowVersion: "3.1.0", scenario: "healthy", auth: "jwt" },
  { id: "v2-bearer", airflowVersion: "3.1.0", scenario: "healthy", auth: "bearer" },
  { id: "v1-none", airflowVersion: "2.10.5", scenario: "healthy", auth: "none", pathPrefix: "/airflow" },
  { id: "v1-failing", airflowVersion: "2.10.5", scenario: "failing-dags" },
  { id: "v2-failing", airflowVersion: "3.1.0", scenario: "failing-dags" },
  { id: "v1-import", airflowVersion: "2.10.5", scenario: "import-errors" },
  { id: "v2-import", airflowVersion: "3.1.0", scenario: "import-errors" },
  { id: "v1-scheduler", airflowVersion: "2.10.5", scenario: "scheduler-down" },
  { id: "v2-scheduler", airflowVersion: "3.1.0", scenario: "scheduler-down" },
  { id: "v1-triggerer", airflowVersion: "2.10.5", scenario: "triggerer-down" },
  { id: "v2-triggerer", airflowVersion: "3.1.0", scenario: "triggerer-down" },
  { id: "v1-slow", airflowVersion: "2.10.5", scenario: "slow" },
  { id: "v2-flapping", airflowVersion: "3.1.0", scenario: "flapping" },
  { id: "v1-hangs", airflowVersion: "2.10.5", scenario: "hangs" },
  { id: "v2-hangs", airflowVersion: "3.1.0", scenario: "hangs" },
  { id: "v1-500", airflowVersion: "2.10.5", scenario: "http-500" },
  { id: "v2-500", airflowVersion: "3.1.0", scenario: "http-500" },
  { id: "v1-login", airflowVersion: "2.10.5", scenario: "html-login-redirect" },
  { id: "v2-login", airflowVersion: "3.1.0", scenario: "html-login-redirect" },
  { id: "v1-badcreds", airflowVersion: "2.10.5", scenario: "bad-credentials" },
  { id: "v2-badcreds", airflowVersion: "3.1.0", scenario: "bad-credentials" },
  { id: "v1-huge", airflowVersion: "2.10.5", scenario: "huge" },
  { id: "v2-huge", airflowVersion: "3.1.0", scenario: "huge" },
];

const HEALTH_S = 10;
let ms: MonitoredSim | undefined;
let sim: Simulator;
let monitor: FleetMonitor;
let clock: FakeClock;
let config: FlightboardConfig;
let t0: number;

function summary(id: string) {
  const rt = monitor.environment(id);
  if (!rt) throw new Error(`no environment ${id}`);
  return rt.summary;
}

beforeAll(async () => {
  clock = new FakeClock(Date.now());
  t0 = clock.now();
  ms = await startMonitoredSim(scenarios, {
    clock,
    slowMs: 300,
    flapPeriodS: 120,
    refresh: { health: HEALTH_S, runs: 20, dags: 60 },
    timeoutSeconds: 1,
    monitor: { stagger: false },
    edit: (raw) => {
      // One environment whose password variable is not set, and one nobody listens on.
      raw.environments.push({ id: "unset-secret", airflow: { baseUrl: String((raw.environments[0].airflow as { baseUrl: string }).baseUrl), auth: { type: "basic", username: "monitor", passwordEnv: "FB_TEST_UNSET_PASSWORD" } } });
      raw.environments.push({ id: "refused", airflow: { baseUrl: "http://127.0.0.1:9", apiVersion: "v1" } });
    },
  });
  ({ sim, monitor, config } = ms);
}, 60_000);

afterAll(() => ms?.close());

describe("monitor + airflow connector + simulator (contract §3)", () => {
  it("reports healthy Airflow 2 and 3 environments with versions, components and counts", () => {
    for (const id of ["v1-healthy", "v2-healthy", "v2-bearer", "v1-none"]) {
      const s = summary(id);
      expect(s, id).toMatchObject({ status: "healthy", reasons: [], stale: false, error: null });
      expect(s.apiVersion).toBe(id.startsWith("v1") ? "v1" : "v2");
      expect(s.airflowVersion).toBe(id.startsWith("v1") ? "2.10.5" : "3.1.0");
      expect(s.components?.metadatabase).toBe("healthy");
      expect(s.components?.scheduler).toBe("healthy");
      expect(s.schedulerHeartbeat).toMatch(/Z$/);
      expect(s.dags!.total).toBe(40);
      expect(s.dags!.active + s.dags!.paused).toBe(40);
      expect(s.dags).toMatchObject({ failing: 0, importErrors: 0 });
      expect(s.runs!.succeeded24h).toBeGreaterThan(0);
      expect(s.runs!.failed24h).toBe(0);
      expect(s.latencyMs).not.toBeNull();
      expect(s.checkedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }
    expect(summary("v1-none").uiUrl).toBe(sim.url("v1-none"));
  });

  it("finds exactly the failing DAGs, with deep links in the right form per version", () => {
    for (const id of ["v1-failing", "v2-failing"]) {
      const s = summary(id);
      expect(s, id).toMatchObject({ status: "degraded", reasons: ["3 failing DAGs"] });
      expect(s.dags!.failing).toBe(3);
      const d = buildDetail(monitor.environment(id)!);
      expect(d.failingDags).toHaveLength(3);
      for (const f of d.failingDags) {
        expect(f.lastRun.state).toBe("failed");
        const ui = sim.url(id);
        const expected = id.startsWith("v1")
          ? `${ui}/dags/${encodeURIComponent(f.dagId)}/grid?dag_run_id=${encodeURIComponent(f.lastRun.runId)}`
          : `${ui}/dags/${encodeURIComponent(f.dagId)}/runs/${encodeURIComponent(f.lastRun.runId)}`;
        expect(f.lastRun.url).toBe(expected);
      }
      expect(d.recentFailures.length).toBeGreaterThanOrEqual(3);
      expect(d.recentFailures.length).toBeLessThanOrEqual(50);
      expect(s.runs!.failed24h).toBeGreaterThanOrEqual(d.recentFailures.length);
    }
  });

  it("counts import errors and reports their first line", () => {
    for (const id of ["v1-import", "v2-import"]) {
      expect(summary(id), id).toMatchObject({ status: "degraded", reasons: ["2 import errors"], dags: { importErrors: 2 } });
      const d = buildDetail(monitor.environment(id)!);
      expect(d.importErrors).toHaveLength(2);
      for (const e of d.importErrors) {
        expect(e.filename).toMatch(/\.py$/);
        expect(e.message.length).toBeGreaterThan(0);
        expect(e.message).not.toContain("\n");
      }
    }
  });

  it("is unhealthy when the scheduler is down, degraded when the triggerer is", () => {
    for (const id of ["v1-scheduler", "v2-scheduler"]) {
      const s = summary(id);
      expect(s.status, id).toBe("unhealthy");
      expect(s.components?.scheduler).toBe("unhealthy");
      expect(s.reasons[0]).toMatch(/^scheduler heartbeat \d+ (s|min) old$/);
    }
    for (const id of ["v1-triggerer", "v2-triggerer"]) {
      const s = summary(id);
      expect(s.status, id).toBe("degraded");
      expect(s.components?.triggerer).toBe("unhealthy");
      expect(s.reasons[0]).toMatch(/^triggerer heartbeat \d+ (s|min) old$|^triggerer unhealthy/);
    }
  });

  it("measures a slow environment's latency without calling it unhealthy", () => {
    expect(summary("v1-slow").status).toBe("healthy");
    expect(summary("v1-slow").latencyMs).toBeGreaterThanOrEqual(300);
  });

  it("maps failures to unreachable and unauthorized with the contract's error codes", () => {
    for (const id of ["v1-hangs", "v2-hangs"]) {
      expect(summary(id), id).toMatchObject({ status: "unreachable", error: { code: "timeout", httpStatus: null } });
    }
    for (const id of ["v1-500", "v2-500"]) {
      expect(summary(id), id).toMatchObject({ status: "unreachable", error: { code: "http", httpStatus: 500 } });
    }
    for (const id of ["v1-login", "v2-login"]) {
      expect(summary(id), id).toMatchObject({ status: "unauthorized", error: { code: "auth" } });
    }
    for (const id of ["v1-badcreds", "v2-badcreds"]) {
      const s = summary(id);
      expect(s, id).toMatchObject({ status: "unauthorized", error: { code: "auth", httpStatus: 401 } });
      // Health is public in Airflow: its components are still known.
      expect(s.components?.scheduler).toBe("healthy");
    }
    expect(summary("unset-secret")).toMatchObject({ status: "unauthorized", error: { code: "missing_secret" } });
    expect(summary("unset-secret").error!.message).toContain("FB_TEST_UNSET_PASSWORD");
    expect(summary("refused")).toMatchObject({ status: "unreachable", error: { code: "connection" } });
  });

  it("pages through thousands of DAGs", () => {
    for (const id of ["v1-huge", "v2-huge"]) {
      expect(summary(id), id).toMatchObject({ status: "healthy", dags: { total: 3000 } });
    }
  });

  it("orders the fleet by severity, then name", () => {
    const fleet = buildFleet(monitor.environments().map((r) => r.summary), { tags: [], statuses: [] }, clock.now());
    const ranks = fleet.environments.map((e) => severityRank(e.status));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(Object.values(fleet.counts).reduce((a, b) => a + b, 0)).toBe(config.environments.length);
  });

  it("follows a flapping environment and marks a dead one stale after 3 × refresh.health", async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 14; i++) {
      await clock.advance(HEALTH_S * 1000);
      await monitor.settle();
      seen.add(summary("v2-flapping").status);
    }
    expect(seen).toContain("healthy");
    expect(seen).toContain("unreachable");
    expect(summary("v1-hangs").stale).toBe(true);
    expect(summary("v1-hangs").reasons).toContain(summary("v1-hangs").error!.message);
    // Others stay fresh whatever the hung ones do.
    expect(summary("v1-healthy")).toMatchObject({ status: "healthy", stale: false });
  }, 60_000);

  it("costs one upstream request per environment per health cycle, whatever the DAG count", async () => {
    // Health is due every 10 s, runs every 20 s, DAGs every 60 s (all from t0): the window
    // (20k + 1 s, 20k + 19 s) holds exactly one health poll and nothing else.
    const elapsed = clock.now() - t0;
    await clock.advance(Math.ceil((elapsed + 1) / 20_000) * 20_000 + 1000 - elapsed);
    await monitor.settle();
    sim.resetStats();
    await clock.advance(18_000);
    await monitor.settle();
    const stats = sim.stats();
    for (const id of ["v1-healthy", "v2-healthy", "v1-huge", "v2-huge", "v1-failing", "v2-failing"]) {
      expect(stats.byEnvironment[id], id).toBe(1);
    }
  }, 60_000);
});
