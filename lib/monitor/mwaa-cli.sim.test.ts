import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMwaaConnector } from "@/lib/airflow/mwaa/connector";
import type { Connector } from "@/lib/airflow/types";
import { startMonitoredSim, type MonitoredSim } from "@/lib/testing/monitored-sim";
import type { SimEnvironmentSpec, Simulator } from "@/sim/index";
import { FakeClock, iso } from "./clock";
import type { FleetMonitor } from "./monitor";

/**
 * MWAA environments with `access: cli` on the board: the monitor with the real connectors against
 * the simulator, checked against contract §3 and against the same environments read through the
 * web-login REST API (same DAGs, import errors and failing DAGs).
 */

const SPECS: SimEnvironmentSpec[] = ["2.0.2", "2.2.2"].flatMap((v) =>
  (["healthy", "failing-dags", "import-errors", "scheduler-down"] as const).map((s) => ({
    id: `cli-${v.replace(/\./g, "")}-${s}`,
    kind: "mwaa" as const,
    airflowVersion: v,
    scenario: s,
    dagCount: 10,
    options: { access: "cli" },
  })),
);

/** An IAM policy that grants only airflow:CreateCliToken (no GetEnvironment). */
const CLI_ONLY: SimEnvironmentSpec = { id: "cli-token-only", kind: "mwaa", airflowVersion: "2.2.2", scenario: "cli-token-only", dagCount: 6, options: { access: "cli" } };

let ms: MonitoredSim | undefined;
let sim: Simulator;
let monitor: FleetMonitor;
let clock: FakeClock;
const summary = (id: string) => monitor.environment(id)!.summary;

/** The same environment read through web-login and `/api/v1`: what the CLI view must agree with. */
async function restView(id: string, now: number): Promise<{ total: number; paused: number; importErrors: number; failing: number; runs: Record<string, number> }> {
  const c: Connector = createMwaaConnector({ environmentName: id, region: "us-east-1", access: "web-login", endpoint: sim.processEnv.AWS_ENDPOINT_URL_MWAA, limits: { timeoutMs: 5000, maxBytes: 1 << 24 } });
  const s = AbortSignal.timeout(20_000);
  const dags = (await c.listDags({ offset: 0, limit: 100 }, s)).items;
  const importErrors = (await c.listImportErrors({ offset: 0, limit: 100 }, s)).total;
  let failing = 0;
  for (const d of dags.filter((x) => !x.paused)) {
    const last = (await c.listDagRuns(d.dagId, 10, s)).filter((r) => r.state !== "running" && r.state !== "queued")[0];
    if (last?.state === "failed") failing++;
  }
  // The simulator runs on the monitor's fake clock, which has not moved since the board's poll: the
  // same instant, and the same 24 h bound the board sent (whole seconds, see iso()).
  const since = iso(now - 24 * 3600_000);
  const count = async (states: ("running" | "queued" | "success" | "failed")[], startDateGte?: string) => (await c.listRuns({ states, startDateGte, offset: 0, limit: 1 }, s)).total;
  const runs = { running: await count(["running"]), queued: await count(["queued"]), failed24h: await count(["failed"], since), succeeded24h: await count(["success"], since) };
  return { total: dags.length, paused: dags.filter((d) => d.paused).length, importErrors, failing, runs };
}

beforeAll(async () => {
  clock = new FakeClock(Date.now());
  ms = await startMonitoredSim([...SPECS, CLI_ONLY], {
    clock,
    refresh: { health: 30, runs: 60, dags: 300 },
    timeoutSeconds: 5,
    useProcessEnv: true,
  });
  ({ sim, monitor } = ms);
}, 60_000);

afterAll(() => ms?.close());

describe("MWAA access: cli on the board (contract §3)", () => {
  it("reads every environment through /aws_mwaa/cli only, with apiVersion null and the version from MWAA", () => {
    const routes = Object.keys(sim.stats().byRoute);
    expect(routes).toContain("POST /aws_mwaa/cli");
    expect(routes.filter((r) => /webtoken|restapi|aws_mwaa\/login|\/api\/v1/.test(r))).toEqual([]);
    for (const spec of SPECS) {
      const s = summary(spec.id);
      expect(s).toMatchObject({ kind: "mwaa", apiVersion: null, airflowVersion: spec.airflowVersion, platform: { state: "AVAILABLE" } });
      expect(s.runs).not.toBeNull();
    }
  });

  it.each(SPECS.map((s) => [s.id, s] as const))("%s: status, reasons and counts", async (id, spec) => {
    const s = summary(id);
    const rest = await restView(id, clock.now());
    expect(s.runs).toEqual(rest.runs);
    const v202 = spec.airflowVersion === "2.0.2";
    expect(s.dags).toMatchObject({ total: rest.total, failing: rest.failing, importErrors: v202 ? 0 : rest.importErrors });
    // 2.0.2's `dags list` has no paused column: every DAG counts as unpaused there.
    expect(s.dags!.paused).toBe(v202 ? 0 : rest.paused);
    const expected =
      spec.scenario === "scheduler-down" && !v202 ? "unhealthy"
        : rest.failing > 0 || (!v202 && rest.importErrors > 0) ? "degraded"
          : "healthy";
    expect(s.status).toBe(expected);
    if (expected === "unhealthy") expect(s.reasons[0]).toBe("scheduler unhealthy (Airflow CLI jobs check: no alive job)");
    if (expected !== "healthy") expect(s.reasons).toContain("read through the Airflow CLI (no REST API): no heartbeat ages");
    if (expected !== "healthy" && v202) expect(s.reasons.join("\n")).toMatch(/2\.0\.2 has no `jobs check`/);
    if (spec.scenario === "failing-dags") expect(rest.failing).toBeGreaterThan(0);
    if (spec.scenario === "import-errors" && !v202) expect(s.reasons).toContain(`${rest.importErrors} import error${rest.importErrors === 1 ? "" : "s"}`);
    expect(s.schedulerHeartbeat).toBeNull();
  });

  it("reads an environment whose IAM policy grants only CreateCliToken: version from the CLI, control plane unknown", async () => {
    const s = summary(CLI_ONLY.id);
    expect(s).toMatchObject({ airflowVersion: "2.2.2", platform: null, apiVersion: null, components: { scheduler: "healthy" } });
    expect(s.dags!.total).toBeGreaterThanOrEqual(6);
    expect(s.runs).not.toBeNull();
    expect(["healthy", "degraded"]).toContain(s.status);
    expect(monitor.connector(CLI_ONLY.id)!.limitations?.()).toContain("AWS denies airflow:GetEnvironment: control-plane state unknown");
  });
});
