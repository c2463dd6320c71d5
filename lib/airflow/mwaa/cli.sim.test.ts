import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimEnvironmentSpec, Simulator } from "@/sim/index";
import type { CliConnector } from "../cli/connector";
import { DEFAULT_MAX_BYTES } from "../transport";
import { AirflowError } from "../errors";
import { createCliRunner } from "./cli-runner";
import { mwaaClientFor } from "./aws";
import { createMwaaConnector } from "./connector";
import { startMwaaSimulator, stopMwaaSimulator } from "./testing/mwaa-sim";

/**
 * `access: cli` end to end: the real `@aws-sdk/client-mwaa` CreateCliToken (SigV4-checked by the
 * simulated control plane), real TLS to the simulated web server's `/aws_mwaa/cli`, and the Airflow
 * CLI output of each MWAA Airflow 2 version parsed back into the domain model.
 */

const LIMITS = { timeoutMs: 3000, maxBytes: DEFAULT_MAX_BYTES };
const VERSIONS = ["2.0.2", "2.2.2", "2.10.3"] as const;
const SCENARIOS = ["healthy", "failing-dags", "import-errors", "scheduler-down"] as const;
const idOf = (v: string, s: string) => `c-${v.replace(/\./g, "")}-${s}`;

let sim: Simulator;
const specs: SimEnvironmentSpec[] = [
  ...VERSIONS.flatMap((v) => SCENARIOS.map((s) => ({ id: idOf(v, s), kind: "mwaa" as const, airflowVersion: v, scenario: s, dagCount: 8, options: { access: "cli" } }))),
  { id: "c-denied", kind: "mwaa", airflowVersion: "2.2.2", scenario: "access-denied", dagCount: 4, options: { access: "cli" } },
  { id: "c-http-500", kind: "mwaa", airflowVersion: "2.2.2", scenario: "http-500", dagCount: 4, options: { access: "cli" } },
  { id: "c-private", kind: "mwaa", airflowVersion: "2.2.2", scenario: "private-only", dagCount: 4, options: { access: "cli" } },
];

function connector(id: string, runsRefreshMs = 500): CliConnector {
  return createMwaaConnector({ environmentName: id, region: "us-east-1", access: "cli", endpoint: sim.processEnv.AWS_ENDPOINT_URL_MWAA, limits: LIMITS, runsRefreshMs }) as CliConnector;
}

beforeAll(async () => {
  sim = await startMwaaSimulator({ environments: specs });
});
afterAll(() => stopMwaaSimulator(sim));

describe("MWAA access: cli against the simulator", () => {
  it.each(VERSIONS.flatMap((v) => SCENARIOS.map((s) => [v, s] as const)))("Airflow %s, %s", async (version, scenario) => {
    const id = idOf(version, scenario);
    const c = connector(id);
    const signal = AbortSignal.timeout(20_000);
    sim.resetStats();
    try {
      const platform = await c.getPlatform(signal);
      expect(platform).toMatchObject({ state: "AVAILABLE", airflowVersion: version });
      expect(c.apiVersion()).toBeNull();
      const health = await c.getHealth(signal);
      if (version === "2.0.2") {
        // No `jobs` group before 2.1: the CLI's refusal becomes "unknown", and `version` proves the endpoint.
        expect(health).toMatchObject({ scheduler: null, metadatabase: null, source: "cli" });
        expect(c.limitations?.().join("\n")).toMatch(/2\.0\.2 has no `jobs check`: scheduler state unknown/);
      } else {
        expect(health).toMatchObject({ scheduler: scenario === "scheduler-down" ? "unhealthy" : "healthy", metadatabase: "healthy", schedulerHeartbeat: null });
      }
      expect(health.triggerer).toBe(version === "2.10.3" ? "healthy" : null);
      expect((await c.getVersion(signal)).version).toBe(version);

      const dags = await c.listDags({ offset: 0, limit: 100 }, signal);
      expect(dags.total).toBeGreaterThanOrEqual(8);
      expect(dags.items.every((d) => typeof d.paused === "boolean" && d.active)).toBe(true);
      const errors = await c.listImportErrors({ offset: 0, limit: 100 }, signal);
      if (version === "2.0.2") expect(errors.total).toBe(0);
      else expect(errors.total > 0).toBe(scenario === "import-errors");

      const failed = await c.listRuns({ states: ["failed"], newestFirst: true, offset: 0, limit: 50 }, signal);
      if (scenario === "failing-dags") expect(failed.total).toBeGreaterThan(0);
      const all = await c.listRuns({ offset: 0, limit: 1000 }, signal);
      expect(all.total).toBeGreaterThan(0);
      expect(all.items.every((r) => r.startDate === null || r.startDate.endsWith("Z"))).toBe(true);
      expect(c.cliCost().sweep.lastSweepCalls).toBe(dags.total);

      const routes = sim.stats().byRoute;
      // `CLI {group} {command}` keys count the commands sent through that endpoint.
      const keys = Object.keys(routes).filter((k) => routes[k]! > 0 && !k.startsWith("CLI "));
      // Everything went through the CLI endpoint with CLI tokens; no web login, REST API or InvokeRestApi.
      expect(keys.sort()).toEqual(["GET /environments/{Name}", "POST /aws_mwaa/cli", "POST /clitoken/{Name}"]);
      expect(routes["POST /clitoken/{Name}"]).toBe(1); // one token, reused within its 60 s
      expect(routes["POST /aws_mwaa/cli"]).toBe(c.cliCost().commands);
    } finally {
      c.close?.();
    }
  });

  it("answers one DAG's runs, and not_found for a DAG that does not exist", async () => {
    const c = connector(idOf("2.2.2", "failing-dags"));
    const s = AbortSignal.timeout(20_000);
    try {
      await c.getPlatform(s);
      const dag = (await c.listDags({ offset: 0, limit: 1 }, s)).items[0]!;
      const runs = await c.listDagRuns(dag.dagId, 5, s);
      expect(runs.length).toBeGreaterThan(0);
      expect(runs.every((r) => r.dagId === dag.dagId)).toBe(true);
      await expect(c.listDagRuns("no_such_dag", 5, s)).rejects.toMatchObject({ kind: "not_found" });
    } finally {
      c.close?.();
    }
  });

  it("turns refusals into typed errors: AccessDenied on CreateCliToken, a crashing CLI, a private web server, an unknown command", async () => {
    const denied = connector("c-denied");
    const e = await denied.getHealth(AbortSignal.timeout(10_000)).then(() => null, (x: unknown) => x);
    expect(e).toBeInstanceOf(AirflowError);
    expect((e as AirflowError).kind).toBe("auth");
    expect((e as AirflowError).message).toMatch(/airflow:CreateCliToken/);

    const broken = connector("c-http-500");
    const b = await broken.getHealth(AbortSignal.timeout(10_000)).then(() => null, (x: unknown) => x);
    expect((b as AirflowError).message).toMatch(/the Airflow CLI failed `jobs check --job-type SchedulerJob`: .*OperationalError/);

    const priv = connector("c-private");
    await priv.getPlatform(AbortSignal.timeout(10_000));
    const p = await priv.getHealth(AbortSignal.timeout(10_000)).then(() => null, (x: unknown) => x);
    expect((p as AirflowError).kind).toBe("connection");
    expect((p as AirflowError).message).toMatch(/PRIVATE_ONLY.*inside the environment's VPC/);

    const runner = createCliRunner({ client: mwaaClientFor({ region: "us-east-1", endpoint: sim.processEnv.AWS_ENDPOINT_URL_MWAA }), environmentName: idOf("2.2.2", "healthy"), region: "us-east-1", endpointUrl: "x", limits: LIMITS });
    const out = await runner.run("dags no-such-command", AbortSignal.timeout(10_000));
    expect(out.stderr).toMatch(/invalid choice: 'no-such-command'/);
  });

  it("spreads one sweep of per-DAG run calls over the cycle, at most 2 in flight, one call per DAG", async () => {
    let inFlight = 0;
    let peak = 0;
    const starts: number[] = [];
    const c = createMwaaConnector({
      environmentName: idOf("2.2.2", "healthy"), region: "us-east-1", access: "cli", endpoint: sim.processEnv.AWS_ENDPOINT_URL_MWAA, limits: LIMITS,
      runsRefreshMs: 2000,
      // Observes the real calls (real fetch underneath): when they start and how many overlap.
      fetch: async (url, init) => {
        if (typeof init?.body === "string" && init.body.startsWith("dags list-runs")) starts.push(performance.now());
        peak = Math.max(peak, ++inFlight);
        try {
          return await fetch(url, init);
        } finally {
          inFlight--;
        }
      },
    }) as CliConnector;
    try {
      const s = AbortSignal.timeout(20_000);
      await c.getPlatform(s);
      const n = (await c.listDags({ offset: 0, limit: 100 }, s)).total;
      await c.listRuns({ offset: 0, limit: 1 }, s); // first sweep: capped only
      expect(starts.length).toBe(n);
      starts.length = 0;
      peak = 0;
      await c.listRuns({ offset: 0, limit: 1 }, s); // answers from the cache at once, starts the next sweep
      expect(starts.length).toBeLessThanOrEqual(1);
      while (c.cliCost().sweep.sweeps < 2) await new Promise((r) => setTimeout(r, 20));
      expect(starts.length).toBe(n);
      expect(peak).toBeLessThanOrEqual(2);
      // Evenly spaced over 0.8 × refresh.runs = 1.6 s: the last call starts about (n-1)/n of it after the first.
      const span = starts[starts.length - 1]! - starts[0]!;
      expect(span).toBeGreaterThan(0.9 * 1600 * ((n - 1) / n));
      expect(span).toBeLessThan(1600 + 1000);
    } finally {
      c.close?.();
    }
  });

  it("never puts the CLI token in an error message", async () => {
    const runner = createCliRunner({
      client: mwaaClientFor({ region: "us-east-1", endpoint: sim.processEnv.AWS_ENDPOINT_URL_MWAA }),
      environmentName: idOf("2.2.2", "healthy"),
      region: "us-east-1",
      endpointUrl: "x",
      limits: LIMITS,
      // The web server echoes the Authorization header back in an error page.
      fetch: async (_url, init) => new Response(`<p>bad ${(init?.headers as Record<string, string>).authorization}</p>`, { status: 400 }),
    });
    const e = (await runner.run("version", AbortSignal.timeout(10_000)).catch((x: unknown) => x)) as AirflowError;
    expect(e.kind).toBe("http");
    expect(e.message).toMatch(/HTTP 400 to `version`: bad Bearer …/);
  });
});
