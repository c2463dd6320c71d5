import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { SimEnvironmentSpec, Simulator } from "@/sim/index";
import { AirflowError } from "../errors";
import { DEFAULT_MAX_BYTES } from "../transport";
import type { Connector, Health } from "../types";
import { createMwaaConnector, type MwaaConnectorSettings } from "./connector";
import { startMwaaSimulator, stopMwaaSimulator } from "./testing/mwaa-sim";

/**
 * The MWAA connector through the real `@aws-sdk/client-mwaa`, `@smithy/signature-v4` and TLS
 * (the simulator's CA, trusted through NODE_EXTRA_CA_CERTS exactly as in production) against the
 * simulated MWAA control plane and web servers, for every scenario and both access modes.
 */

const CROSS_ACCOUNT = "210987654321";

type Outcome = { health: Partial<Health> } | { error: AirflowError["kind"]; message?: RegExp };
interface Case {
  id: string;
  scenario: string;
  airflowVersion: string;
  access: "web-login" | "rest-api";
  state: string;
  outcome: Outcome;
  options?: Record<string, unknown>;
  settings?: Partial<MwaaConnectorSettings>;
  then?: (c: Connector, signal: AbortSignal) => Promise<void>;
  /** The DAG list fails with this kind although health answers. */
  dagsError?: AirflowError["kind"];
}

const ok = { health: { metadatabase: "healthy", scheduler: "healthy" } } as const;
const A2 = "2.10.3";
const A3 = "3.0.6";

const CASES: Case[] = [];

/** Actions (issue 15) through the same session or InvokeRestApi as the reads. */
async function writes(c: Connector, s: AbortSignal): Promise<void> {
  const dag = (await c.listDags({ offset: 0, limit: 50 }, s)).items.find((d) => !d.paused)!;
  const run = await c.triggerRun!(dag.dagId, { conf: { from: "mwaa" } }, s);
  expect(run).toMatchObject({ dagId: dag.dagId, runType: "manual", state: "queued" });
  expect((await c.setPaused!(dag.dagId, true, s)).paused).toBe(true);
  expect((await c.setPaused!(dag.dagId, false, s)).paused).toBe(false);
  expect(await c.clearFailed!(dag.dagId, run.runId, s)).toBe(0);
}
for (const access of ["web-login", "rest-api"] as const) {
  const a = access === "web-login" ? "w" : "r";
  CASES.push(
    { id: `${a}-healthy-2`, scenario: "healthy", airflowVersion: A2, access, state: "AVAILABLE", outcome: ok },
    { id: `${a}-healthy-3`, scenario: "healthy", airflowVersion: A3, access, state: "AVAILABLE", outcome: { health: { dagProcessor: "healthy" } } },
    {
      id: `${a}-failing-dags`, scenario: "failing-dags", airflowVersion: A3, access, state: "AVAILABLE", outcome: ok,
      then: async (c, s) => {
        const runs = await c.listRuns({ offset: 0, limit: 100 }, s);
        expect(runs.items.some((r) => r.state === "failed")).toBe(true);
      },
    },
    {
      id: `${a}-import-errors`, scenario: "import-errors", airflowVersion: A2, access, state: "AVAILABLE", outcome: ok,
      then: async (c, s) => expect((await c.listImportErrors({ offset: 0, limit: 100 }, s)).total).toBeGreaterThan(0),
    },
    { id: `${a}-scheduler-down`, scenario: "scheduler-down", airflowVersion: A2, access, state: "AVAILABLE", outcome: { health: { scheduler: "unhealthy" } } },
    { id: `${a}-triggerer-down`, scenario: "triggerer-down", airflowVersion: A3, access, state: "AVAILABLE", outcome: { health: { triggerer: "unhealthy" } } },
    { id: `${a}-slow`, scenario: "slow", airflowVersion: A2, access, state: "AVAILABLE", outcome: ok },
    { id: `${a}-hangs`, scenario: "hangs", airflowVersion: A3, access, state: "AVAILABLE", outcome: { error: "timeout" } },
    { id: `${a}-http-500`, scenario: "http-500", airflowVersion: A2, access, state: "AVAILABLE", outcome: { error: "http" } },
    { id: `${a}-updating`, scenario: "updating", airflowVersion: A3, access, state: "UPDATING", outcome: ok },
    { id: `${a}-unavailable`, scenario: "unavailable", airflowVersion: A2, access, state: "UNAVAILABLE", outcome: { error: "http" } },
    {
      id: `${a}-access-denied`, scenario: "access-denied", airflowVersion: A2, access, state: "AVAILABLE",
      outcome: { error: "auth", message: new RegExp(`airflow:${access === "web-login" ? "CreateWebLoginToken" : "InvokeRestApi"}.*No Airflow role granted`) },
    },
    { id: `${a}-throttled`, scenario: "throttled", airflowVersion: A3, access, state: "AVAILABLE", outcome: { error: "throttled", message: /throttl/i } },
    {
      id: `${a}-private-only`, scenario: "private-only", airflowVersion: A2, access, state: "AVAILABLE",
      outcome: { error: "connection", message: /PRIVATE_ONLY.*must run inside the environment's VPC/ },
    },
    {
      id: `${a}-cross-account`, scenario: "healthy", airflowVersion: A3, access, state: "AVAILABLE", outcome: ok,
      options: { account: CROSS_ACCOUNT, region: "eu-west-1" },
      settings: { roleArn: `arn:aws:iam::${CROSS_ACCOUNT}:role/flightboard-read` },
    },
  );
}
CASES.push(
  { id: "w-writes-2", scenario: "healthy", airflowVersion: A2, access: "web-login", state: "AVAILABLE", outcome: ok, then: writes },
  { id: "w-writes-3", scenario: "healthy", airflowVersion: A3, access: "web-login", state: "AVAILABLE", outcome: ok, then: writes },
  { id: "r-writes-2", scenario: "healthy", airflowVersion: A2, access: "rest-api", state: "AVAILABLE", outcome: ok, then: writes },
  { id: "r-writes-3", scenario: "healthy", airflowVersion: A3, access: "rest-api", state: "AVAILABLE", outcome: ok, then: writes },
  { id: "w-html-login-redirect", scenario: "html-login-redirect", airflowVersion: A2, access: "web-login", state: "AVAILABLE", outcome: { error: "auth", message: /login page/ } },
  // Airflow's health endpoints need no login; the DAG list does (one renewal, then the 401 stands).
  { id: "w-bad-credentials-2", scenario: "bad-credentials", airflowVersion: A2, access: "web-login", state: "AVAILABLE", outcome: ok, dagsError: "auth" },
  {
    id: "w-bad-credentials-3", scenario: "bad-credentials", airflowVersion: A3, access: "web-login", state: "AVAILABLE", outcome: ok, dagsError: "auth",
  },
  {
    id: "r-long-path", scenario: "healthy", airflowVersion: A2, access: "rest-api", state: "AVAILABLE", outcome: ok,
    then: async (c, s) => {
      const e = await c.listDagRuns("x".repeat(60), 5, s).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(AirflowError);
      expect((e as AirflowError).message).toMatch(/longer than the 64 MWAA InvokeRestApi accepts.*access: web-login/);
    },
  },
  {
    id: "w-huge", scenario: "huge", airflowVersion: A3, access: "web-login", state: "AVAILABLE", outcome: ok, options: { },
    then: async (c, s) => expect((await c.listDags({ offset: 0, limit: 100 }, s)).total).toBeGreaterThanOrEqual(3000),
  },
);

const LIMITS = { timeoutMs: 1500, maxBytes: DEFAULT_MAX_BYTES };
let sim: Simulator;
const connectors = new Map<string, Connector>();

function settingsFor(c: Case): MwaaConnectorSettings {
  return {
    environmentName: c.id,
    region: (c.options?.region as string | undefined) ?? "us-east-1",
    access: c.access,
    endpoint: sim.processEnv.AWS_ENDPOINT_URL_MWAA,
    limits: LIMITS,
    throttleBaseDelayMs: 10,
    ...c.settings,
  };
}

beforeAll(async () => {
  const specs: SimEnvironmentSpec[] = CASES.map((c) => ({
    id: c.id,
    kind: "mwaa",
    airflowVersion: c.airflowVersion,
    scenario: c.scenario,
    options: { access: c.access, ...c.options },
    ...(c.scenario === "huge" ? {} : { dagCount: 12 }),
  }));
  sim = await startMwaaSimulator({ environments: specs, slowMs: 200 });
  for (const c of CASES) connectors.set(c.id, createMwaaConnector(settingsFor(c)));
});

afterAll(() => stopMwaaSimulator(sim));

describe("MWAA connector against the simulator (real SDK, SigV4 and TLS)", () => {
  it.each(CASES.map((c) => [c.id, c] as const))("%s", async (_id, c) => {
    const conn = connectors.get(c.id)!;
    const signal = AbortSignal.timeout(10_000);
    const platform = await conn.getPlatform(signal);
    expect(platform?.state).toBe(c.state);
    // The connector classes MWAA's states, so the monitor needs no MWAA words.
    expect(platform).toMatchObject({ class: c.state === "UNAVAILABLE" ? "broken" : c.state === "UPDATING" ? "transition" : "ok", label: "MWAA environment" });
    expect(platform?.airflowVersion).toBe(c.airflowVersion);
    if (c.scenario === "private-only") expect(platform?.uiUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    else expect(platform?.uiUrl).toBe(sim.url(c.id));
    expect(conn.uiUrl()).toBe(platform?.uiUrl);
    expect(conn.apiVersion()).toBe(c.airflowVersion.startsWith("3") ? "v2" : "v1");

    if ("health" in c.outcome) {
      const health = await conn.getHealth(signal);
      expect(health).toMatchObject(c.outcome.health);
      if (c.dagsError) {
        await expect(conn.listDags({ offset: 0, limit: 50 }, signal)).rejects.toMatchObject({ kind: c.dagsError });
      } else {
        const dags = await conn.listDags({ offset: 0, limit: 50 }, signal);
        expect(dags.items.length).toBeGreaterThan(0);
      }
      await c.then?.(conn, signal);
    } else {
      const e = await conn.getHealth(signal).then(() => null, (x: unknown) => x);
      expect(e, "getHealth should fail").toBeInstanceOf(AirflowError);
      expect((e as AirflowError).kind).toBe(c.outcome.error);
      if (c.outcome.message) expect((e as AirflowError).message).toMatch(c.outcome.message);
      for (const secret of [sim.processEnv.AWS_SECRET_ACCESS_KEY]) expect((e as AirflowError).message).not.toContain(secret);
    }
  });

  it("reports an unknown environment as a platform error naming it and the region", async () => {
    const conn = createMwaaConnector({ ...settingsFor(CASES[0]!), environmentName: "no-such-env", region: "eu-central-1" });
    const e = await conn.getPlatform(AbortSignal.timeout(5000)).then(() => null, (x: unknown) => x);
    expect(e).toBeInstanceOf(AirflowError);
    expect((e as AirflowError).kind).toBe("platform");
    expect((e as AirflowError).message).toBe("MWAA environment no-such-env not found in region eu-central-1");
  });

  it("does not see another account's environment without its role", async () => {
    const c = CASES.find((x) => x.id === "w-cross-account")!;
    const conn = createMwaaConnector({ ...settingsFor(c), roleArn: undefined });
    const e = await conn.getPlatform(AbortSignal.timeout(5000)).then(() => null, (x: unknown) => x);
    expect((e as AirflowError).kind).toBe("platform");
  });

  it("reports credentials AWS does not know as auth", async () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIAUNKNOWNUNKNOWN00");
    try {
      // Clients and credential chains are cached per (region, profile, role, endpoint): a role not
      // used before gets a fresh chain, which reads the unknown key and signs AssumeRole with it.
      const endpoint = sim.processEnv.AWS_ENDPOINT_URL_MWAA!.replace("127.0.0.1", "localhost");
      const conn = createMwaaConnector({ ...settingsFor(CASES[0]!), endpoint, roleArn: `arn:aws:iam::${CROSS_ACCOUNT}:role/none` });
      const e = await conn.getPlatform(AbortSignal.timeout(5000)).then(() => null, (x: unknown) => x);
      expect((e as AirflowError).kind).toBe("auth");
      expect((e as AirflowError).message).toMatch(/could not assume role .*security token included in the request is invalid/);
    } finally {
      vi.stubEnv("AWS_ACCESS_KEY_ID", sim.processEnv.AWS_ACCESS_KEY_ID!);
    }
  });

  it("reports missing credentials (an unknown profile) as auth", async () => {
    vi.stubEnv("AWS_CONFIG_FILE", "/nonexistent/flightboard/config");
    vi.stubEnv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/flightboard/credentials");
    const conn = createMwaaConnector({ ...settingsFor(CASES[0]!), profile: "flightboard-missing" });
    const e = await conn.getPlatform(AbortSignal.timeout(5000)).then(() => null, (x: unknown) => x);
    expect((e as AirflowError).kind).toBe("auth");
    expect((e as AirflowError).message).toMatch(/^no usable AWS credentials from profile flightboard-missing for MWAA environment w-healthy-2/);
  });

  it("keeps InvokeRestApi under the account's 10 requests/s across environments", async () => {
    const rest = CASES.filter((c) => c.access === "rest-api" && c.scenario === "healthy" && !c.options?.account);
    sim.resetStats();
    const t0 = performance.now();
    const n = 24;
    await Promise.all(Array.from({ length: n }, (_, i) => connectors.get(rest[i % rest.length]!.id)!.getVersion(AbortSignal.timeout(15_000))));
    const elapsed = (performance.now() - t0) / 1000;
    const stats = sim.stats();
    expect(stats.byRoute["POST /restapi/{Name}"]).toBe(n);
    expect(stats.byRoute["MWAA ThrottlingException"] ?? 0).toBe(0);
    expect(elapsed).toBeGreaterThan((n - 10) / 10);
  });
});
