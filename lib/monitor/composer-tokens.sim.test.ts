import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { GoogleTokenSources } from "@/lib/airflow/composer/google-auth";
import { connectorsWithTokenSources, startMonitoredSim, type MonitoredSim } from "@/lib/testing/monitored-sim";
import type { SimEnvironmentSpec, Simulator } from "@/sim/index";
import { FakeClock } from "./clock";
import type { FleetMonitor } from "./monitor";

/**
 * Token requests per hour of real polling: the monitor with the Composer connector and
 * google-auth-library (ADC on the simulated metadata server) over two simulated hours. Date is
 * faked in step with the monitor's clock, so tokens age and expire in simulated time.
 */

const SPECS: SimEnvironmentSpec[] = [
  { id: "c2", kind: "composer", airflowVersion: "2.9.3", scenario: "healthy" },
  { id: "c3", kind: "composer", airflowVersion: "3.1.0", scenario: "failing-dags" },
  { id: "c1-iap", kind: "composer", airflowVersion: "2.4.3", scenario: "iap" },
];
const HEALTH_S = 60;
let ms: MonitoredSim | undefined;
let sim: Simulator;
let monitor: FleetMonitor;
let clock: FakeClock;

beforeAll(async () => {
  clock = new FakeClock(Date.now());
  vi.useFakeTimers({ toFake: ["Date"], now: clock.now() });
  ms = await startMonitoredSim(SPECS, {
    clock,
    refresh: { health: HEALTH_S, runs: 60, dags: 300 },
    useProcessEnv: true,
    monitor: { createConnector: connectorsWithTokenSources(new GoogleTokenSources()) },
  });
  ({ sim, monitor } = ms);
}, 30_000);

afterAll(async () => {
  vi.useRealTimers();
  await ms?.close();
});

it("asks for tokens only when they near expiry: two simulated hours of polling", async () => {
  sim.resetStats();
  const hours = 2;
  for (let t = 0; t < hours * 3600; t += HEALTH_S) {
    await clock.advance(HEALTH_S * 1000);
    vi.setSystemTime(clock.now());
    await monitor.settle();
  }
  const s = sim.stats();
  const by = (re: RegExp) => Object.entries(s.byRoute).filter(([k]) => re.test(k)).reduce((n, [, v]) => n + v, 0);
  const access = by(/default\/token$/);
  const id = by(/default\/identity$/);
  // 3599 s access tokens and 3600 s ID tokens, renewed 5 min before expiry: one every ~55 min,
  // the access token shared by every environment on the credential, the ID token per IAP audience.
  expect(access).toBe(2);
  expect(id).toBe(2);
  expect(s.byEnvironment["c1-iap"]).toBeGreaterThan(hours * 60); // it was polled all along
  for (const env of ["c2", "c3", "c1-iap"]) expect(monitor.environment(env)!.summary.error, env).toBeNull();
  console.info(`token requests in ${hours} h: ${access} access (shared by ${SPECS.length} environments), ${id} ID (the IAP environment); ${s.total} requests in all`);
}, 30_000);
