import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GoogleTokenSources } from "@/lib/airflow/composer/google-auth";
import { connectorsWithTokenSources, startMonitoredSim, type MonitoredSim } from "@/lib/testing/monitored-sim";
import type { SimEnvironmentSpec, Simulator } from "@/sim/index";
import { FakeClock } from "./clock";
import type { FleetMonitor } from "./monitor";

/**
 * Composer environments on the board: the monitor with the real Composer connector and
 * google-auth-library against the simulator, credentials from Application Default Credentials on
 * the simulated metadata server (GCE_METADATA_HOST from the simulator's processEnv), checked
 * against contract §3. (Token refresh over hours: composer-tokens.sim.test.ts.)
 */

const SPECS: SimEnvironmentSpec[] = [
  { id: "c2-healthy", kind: "composer", airflowVersion: "2.9.3", scenario: "healthy" },
  { id: "c3-healthy", kind: "composer", airflowVersion: "3.1.0", scenario: "healthy" },
  { id: "c1-iap", kind: "composer", airflowVersion: "2.4.3", scenario: "iap" },
  { id: "c2-failing", kind: "composer", airflowVersion: "2.9.3", scenario: "failing-dags" },
  { id: "c2-error", kind: "composer", airflowVersion: "2.9.3", scenario: "error-state" },
  { id: "c3-updating", kind: "composer", airflowVersion: "3.1.0", scenario: "updating" },
  { id: "c2-no-user", kind: "composer", airflowVersion: "2.9.3", scenario: "no-airflow-user" },
  { id: "c3-ip", kind: "composer", airflowVersion: "3.1.0", scenario: "ip-blocked" },
  { id: "c2-badcreds", kind: "composer", airflowVersion: "2.9.3", scenario: "bad-credentials" },
  { id: "c3-hangs", kind: "composer", airflowVersion: "3.1.0", scenario: "hangs" },
];

let ms: MonitoredSim | undefined;
let sim: Simulator;
let monitor: FleetMonitor;
let clock: FakeClock;

const summary = (id: string) => monitor.environment(id)!.summary;

beforeAll(async () => {
  clock = new FakeClock(Date.now());
  ms = await startMonitoredSim(SPECS, {
    clock,
    refresh: { health: 60, runs: 60, dags: 300 },
    timeoutSeconds: 3,
    useProcessEnv: true,
    edit: (raw) => {
      const api = (raw.environments[0].composer as { apiEndpoint: string }).apiEndpoint;
      raw.environments.push({ id: "c-missing", composer: { project: "flightboard-sim", location: "us-central1", environment: "gone", apiEndpoint: api } });
    },
    monitor: { createConnector: connectorsWithTokenSources(new GoogleTokenSources()) },
  });
  ({ sim, monitor } = ms);
}, 60_000);

afterAll(() => ms?.close());

describe("Composer environments on the board (contract §3)", () => {
  it("are healthy on Composer 1, 2 and 3 with platform state, uiUrl, versions", () => {
    const expected: Record<string, [string, string]> = { "c2-healthy": ["2.9.3", "v1"], "c3-healthy": ["3.1.0", "v2"], "c1-iap": ["2.4.3", "v1"] };
    for (const [id, [version, api]] of Object.entries(expected)) {
      expect(summary(id), id).toMatchObject({
        kind: "composer",
        status: "healthy",
        reasons: [],
        error: null,
        platform: { state: "RUNNING" },
        airflowVersion: version,
        apiVersion: api,
        uiUrl: sim.url(id),
      });
      expect(summary(id).dags!.total).toBe(40);
    }
  });

  it("maps Composer states: ERROR → unhealthy, UPDATING → degraded", () => {
    // The broken environment's web server is down too (502): the DAG polls say so, the status stays unhealthy.
    expect(summary("c2-error")).toMatchObject({ status: "unhealthy", platform: { state: "ERROR" } });
    expect(summary("c2-error").reasons[0]).toMatch(/ERROR/);
    expect(summary("c3-updating")).toMatchObject({ status: "degraded", platform: { state: "UPDATING" } });
    expect(summary("c2-failing")).toMatchObject({ status: "degraded", reasons: ["3 failing DAGs"] });
  });

  it("is unauthorized with what to grant: no Airflow user, IP allow-list, sign-in redirect", () => {
    expect(summary("c2-no-user")).toMatchObject({ status: "unauthorized", error: { code: "auth", httpStatus: 403 } });
    expect(summary("c2-no-user").error!.message).toMatch(/Airflow role/);
    expect(summary("c3-ip")).toMatchObject({ status: "unauthorized", error: { code: "auth", httpStatus: 403 } });
    expect(summary("c3-ip").error!.message).toMatch(/IP address/);
    expect(summary("c2-badcreds")).toMatchObject({ status: "unauthorized", error: { code: "auth", httpStatus: 302 } });
    expect(summary("c2-badcreds").error!.message).toMatch(/Composer User role.*accounts\.google\.com:NUMERIC_ID/);
  });

  it("is unreachable on a hung web server and reports a missing environment as a platform error", () => {
    expect(summary("c3-hangs")).toMatchObject({ status: "unreachable", error: { code: "timeout" }, platform: { state: "RUNNING" } });
    expect(summary("c-missing").error).toMatchObject({ code: "platform", httpStatus: 404 });
    expect(summary("c-missing").error!.message).toMatch(/Composer environment gone not found/);
  });
});
