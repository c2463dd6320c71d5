import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimEnvironmentSpec, Simulator } from "@/sim/index";
import type { CliConnector } from "../cli/connector";
import { createMwaaConnector } from "./connector";
import { startMwaaSimulator, stopMwaaSimulator } from "./testing/mwaa-sim";

/**
 * `access: cli` writes end to end (real CreateCliToken, real TLS, the simulated CLI acting on the same
 * virtual Airflow the REST API serves), in both output styles: `Created <DagRun …>` / `Dag: X, paused:`
 * (2.2.2) and AirflowConsole tables with "No unpaused DAGs were found" (2.10.3).
 */

const LIMITS = { timeoutMs: 5000, maxBytes: 16 * 1024 * 1024 };
const VERSIONS = ["2.2.2", "2.10.3"] as const;
const idOf = (v: string) => `w-${v.replace(/\./g, "")}`;
let sim: Simulator;
const specs: SimEnvironmentSpec[] = [
  ...VERSIONS.map((v) => ({ id: idOf(v), kind: "mwaa" as const, airflowVersion: v, scenario: "failing-dags" as const, dagCount: 6, options: { access: "cli" } })),
  { id: "w-token-only", kind: "mwaa", airflowVersion: "2.2.2", scenario: "cli-token-only", dagCount: 3, options: { access: "cli" } },
];
const connector = (id: string) =>
  createMwaaConnector({ environmentName: id, region: "us-east-1", access: "cli", endpoint: sim.processEnv.AWS_ENDPOINT_URL_MWAA, limits: LIMITS, runsRefreshMs: 10_000 }) as CliConnector;
const sent = (cmd: string) => sim.stats().byRoute[`CLI ${cmd}`] ?? 0;

beforeAll(async () => {
  sim = await startMwaaSimulator({ environments: specs });
});
afterAll(() => stopMwaaSimulator(sim));

describe("MWAA access: cli writes", () => {
  it.each(VERSIONS)("Airflow %s: trigger, pause twice, refusals typed as the REST API's", async (version) => {
    const c = connector(idOf(version));
    const s = AbortSignal.timeout(30_000);
    try {
      await c.getPlatform(s);
      const dag = (await c.listDags({ offset: 0, limit: 100 }, s)).items.find((d) => !d.paused)!;
      sim.resetStats();
      const run = await c.triggerRun!(dag.dagId, { conf: { who: "it's me" } }, s);
      expect(run).toMatchObject({ dagId: dag.dagId, state: "queued", runType: "manual" });
      expect(run.runId).toMatch(/^manual__\d{4}-\d\d-\d\dT/);
      expect(run.logicalDate).toMatch(/Z$/); // Airflow 2 gives a manual run the current logical date
      expect(sent("dags trigger")).toBe(1);

      expect((await c.setPaused!(dag.dagId, true, s)).paused).toBe(true);
      // Already paused: 2.2.2 says so again; 2.10.3 finds nothing to pause and `dags list` shows it paused.
      expect((await c.setPaused!(dag.dagId, true, s)).paused).toBe(true);
      expect(sent("dags pause")).toBe(2);
      expect((await c.listDags({ offset: 0, limit: 100 }, s)).items.find((d) => d.dagId === dag.dagId)?.paused).toBe(true);
      expect((await c.setPaused!(dag.dagId, false, s)).paused).toBe(false);

      await expect(c.triggerRun!("no_such_dag", { conf: {} }, s)).rejects.toMatchObject({ kind: "not_found", httpStatus: 404 });
      await expect(c.setPaused!("no_such_dag", true, s)).rejects.toMatchObject({ kind: "not_found" });
      await expect(c.clearFailed!(dag.dagId, "scheduled__1999-01-01T00:00:00+00:00", s)).rejects.toMatchObject({ kind: "not_found" });
      expect(sent("tasks clear")).toBe(0); // nothing cleared for a run that does not exist
    } finally {
      c.close?.();
    }
  });

  it("asks `version` once, not every DAG cycle, when no control plane reports it", async () => {
    const c = connector("w-token-only");
    const s = AbortSignal.timeout(20_000);
    try {
      expect(await c.getPlatform(s)).toBeNull();
      sim.resetStats();
      expect((await c.getVersion(s)).version).toBe("2.2.2");
      expect((await c.getVersion(s)).version).toBe("2.2.2");
      expect(sent("version")).toBe(1);
    } finally {
      c.close?.();
    }
  });
});
