import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startSimulator, type SimEnvironmentSpec, type Simulator } from "@/sim/index";
import { AirflowError } from "../errors";
import type { Connector, Health } from "../types";
import { createComposerConnector, type ComposerConnectorSettings } from "./connector";
import { createGoogleHostRewriter, GoogleTokenSources, type GoogleAuthClientOptions } from "./google-auth";

/** Composer states as contract §3 classes them (the connector decides, the monitor only reads the class). */
const PLATFORM_CLASS: Record<string, string> = { RUNNING: "ok", UPDATING: "transition", ERROR: "broken" };

/**
 * The Composer connector through the real google-auth-library against the simulator, for every
 * scenario, with both credential sources: a service-account key file (JWT grant at the simulated
 * token endpoint; oauth2.googleapis.com rewritten by an injected transporter) and Application
 * Default Credentials (the simulated metadata server, found through GCE_METADATA_HOST from the
 * simulator's processEnv, set before the library's first call).
 */

type Outcome = { health: Partial<Health> } | { error: AirflowError["kind"]; message?: RegExp };
interface Case {
  scenario: string;
  airflowVersion: string;
  generation?: 1 | 2 | 3;
  state: string;
  airflow: string;
  apiVersion: "v1" | "v2";
  outcome: Outcome;
  /** Extra assertions after health. */
  then?: (c: Connector, signal: AbortSignal) => Promise<void>;
}

const ok = { health: { metadatabase: "healthy", scheduler: "healthy" } } as const;

const CASES: Case[] = [
  { scenario: "healthy", airflowVersion: "2.9.3", state: "RUNNING", airflow: "2.9.3", apiVersion: "v1", outcome: ok },
  { scenario: "healthy", airflowVersion: "3.1.0", state: "RUNNING", airflow: "3.1.0", apiVersion: "v2", outcome: { health: { dagProcessor: "healthy" } } },
  { scenario: "healthy", airflowVersion: "2.10.5", generation: 3, state: "RUNNING", airflow: "2.10.5", apiVersion: "v1", outcome: ok },
  {
    scenario: "failing-dags", airflowVersion: "3.1.0", state: "RUNNING", airflow: "3.1.0", apiVersion: "v2", outcome: ok,
    then: async (c, s) => {
      const runs = await c.listRuns({ offset: 0, limit: 100 }, s);
      expect(runs.items.some((r) => r.state === "failed")).toBe(true);
    },
  },
  {
    scenario: "import-errors", airflowVersion: "2.9.3", state: "RUNNING", airflow: "2.9.3", apiVersion: "v1", outcome: ok,
    then: async (c, s) => expect((await c.listImportErrors({ offset: 0, limit: 100 }, s)).total).toBeGreaterThan(0),
  },
  { scenario: "scheduler-down", airflowVersion: "2.9.3", state: "RUNNING", airflow: "2.9.3", apiVersion: "v1", outcome: { health: { scheduler: "unhealthy" } } },
  { scenario: "triggerer-down", airflowVersion: "3.1.0", state: "RUNNING", airflow: "3.1.0", apiVersion: "v2", outcome: { health: { triggerer: "unhealthy" } } },
  { scenario: "slow", airflowVersion: "2.9.3", state: "RUNNING", airflow: "2.9.3", apiVersion: "v1", outcome: ok },
  { scenario: "flapping", airflowVersion: "3.1.0", state: "RUNNING", airflow: "3.1.0", apiVersion: "v2", outcome: ok },
  { scenario: "hangs", airflowVersion: "2.9.3", state: "RUNNING", airflow: "2.9.3", apiVersion: "v1", outcome: { error: "timeout" } },
  { scenario: "http-500", airflowVersion: "3.1.0", state: "RUNNING", airflow: "3.1.0", apiVersion: "v2", outcome: { error: "http" } },
  { scenario: "html-login-redirect", airflowVersion: "2.9.3", state: "RUNNING", airflow: "2.9.3", apiVersion: "v1", outcome: { error: "auth", message: /login page/ } },
  { scenario: "bad-credentials", airflowVersion: "2.9.3", state: "RUNNING", airflow: "2.9.3", apiVersion: "v1", outcome: { error: "auth", message: /Google sign-in.*Composer User role.*accounts\.google\.com:NUMERIC_ID/ } },
  {
    scenario: "huge", airflowVersion: "3.1.0", state: "RUNNING", airflow: "3.1.0", apiVersion: "v2", outcome: ok,
    then: async (c, s) => expect((await c.listDags({ offset: 0, limit: 100 }, s)).total).toBeGreaterThanOrEqual(3000),
  },
  { scenario: "error-state", airflowVersion: "2.9.3", state: "ERROR", airflow: "2.9.3", apiVersion: "v1", outcome: { error: "http" } },
  { scenario: "updating", airflowVersion: "3.1.0", state: "UPDATING", airflow: "3.1.0", apiVersion: "v2", outcome: ok },
  { scenario: "no-airflow-user", airflowVersion: "2.9.3", state: "RUNNING", airflow: "2.9.3", apiVersion: "v1", outcome: { error: "auth", message: /HTTP 403.*No Airflow user.*Airflow role/ } },
  { scenario: "no-airflow-user", airflowVersion: "3.1.0", state: "RUNNING", airflow: "3.1.0", apiVersion: "v2", outcome: { error: "auth", message: /HTTP 403.*No Airflow user/ } },
  {
    scenario: "iap", airflowVersion: "2.4.3", state: "RUNNING", airflow: "2.4.3", apiVersion: "v1", outcome: ok,
    then: async (c, s) => expect((await c.listDags({ offset: 0, limit: 10 }, s)).items.length).toBeGreaterThan(0),
  },
  { scenario: "ip-blocked", airflowVersion: "3.1.0", state: "RUNNING", airflow: "3.1.0", apiVersion: "v2", outcome: { error: "auth", message: /refused Flightboard's IP address.*web server access control/ } },
];

const idOf = (c: Case, i: number) => `c${i}-${c.scenario}`;

function specs(credentials: "key-file" | "adc"): SimEnvironmentSpec[] {
  return CASES.map((c, i) => ({
    id: idOf(c, i),
    kind: "composer",
    airflowVersion: c.airflowVersion,
    scenario: c.scenario,
    options: { credentials, environment: `env-${i}`, ...(c.generation ? { composerGeneration: c.generation } : {}) },
  }));
}

async function outcomeOf(p: Promise<Health>): Promise<{ health: Health } | { error: AirflowError }> {
  try {
    return { health: await p };
  } catch (e) {
    expect(e).toBeInstanceOf(AirflowError);
    return { error: e as AirflowError };
  }
}

describe.each(["key-file", "adc"] as const)("Composer connector + google-auth-library + simulator (%s)", (credentials) => {
  let sim: Simulator;
  let authClientOptions: GoogleAuthClientOptions | undefined;
  const tokenSources = new GoogleTokenSources();

  beforeAll(async () => {
    sim = await startSimulator({ environments: specs(credentials), slowMs: 100, flapPeriodS: 600 });
    if (credentials === "adc") for (const [k, v] of Object.entries(sim.processEnv)) vi.stubEnv(k, v);
    const endpoint = (sim.config.environments[0].composer as { apiEndpoint: string }).apiEndpoint;
    authClientOptions = credentials === "key-file" ? { transporter: createGoogleHostRewriter({ "oauth2.googleapis.com": endpoint }) } : undefined;
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await sim?.close();
  });

  const connector = (id: string, extra: Partial<ComposerConnectorSettings> = {}) => {
    const entry = sim.config.environments.find((e) => e.id === id)!;
    const target = entry.composer as Omit<ComposerConnectorSettings, "limits">;
    if (credentials === "key-file") expect(target.credentialsFile).toBeTruthy();
    else expect(target.credentialsFile).toBeUndefined();
    // Short only where a timeout is the point; generous elsewhere so a loaded machine cannot flake.
    const timeoutMs = id.endsWith("-hangs") ? 1000 : 8000;
    return createComposerConnector({ ...target, limits: { timeoutMs, maxBytes: 16 << 20 }, authClientOptions, tokenSources, ...extra });
  };

  it.each(CASES.map((c, i) => [idOf(c, i), c] as const))("%s", async (id, c) => {
    const conn = connector(id);
    const signal = AbortSignal.timeout(10_000);
    const platform = await conn.getPlatform(signal);
    expect(platform).toMatchObject({ state: c.state, class: PLATFORM_CLASS[c.state], label: "Composer environment", uiUrl: sim.url(id), airflowVersion: c.airflow });
    expect(conn.uiUrl()).toBe(sim.url(id));
    const got = await outcomeOf(conn.getHealth(signal));
    if ("health" in c.outcome) {
      if ("error" in got) throw got.error;
      expect(got.health).toMatchObject(c.outcome.health);
      expect(conn.apiVersion()).toBe(c.apiVersion);
      expect((await conn.getVersion(signal)).version).toBe(c.airflow);
      await c.then?.(conn, signal);
    } else {
      if ("health" in got) throw new Error(`expected ${c.outcome.error}, got health`);
      expect(got.error.kind).toBe(c.outcome.error);
      if (c.outcome.message) expect(got.error.message).toMatch(c.outcome.message);
      expect(got.error.message).not.toMatch(/ya29\.|eyJ[A-Za-z0-9_-]{10,}/);
    }
  });

  it("Composer 1 without iapClientId learns it from IAP's sign-in redirect", async () => {
    const i = CASES.findIndex((c) => c.scenario === "iap");
    const conn = connector(idOf(CASES[i], i), { iapClientId: undefined });
    expect((await conn.getHealth(AbortSignal.timeout(10_000))).scheduler).toBe("healthy");
  });

  it("an ID token for another audience is refused by IAP with a message that says so", async () => {
    const i = CASES.findIndex((c) => c.scenario === "iap");
    const conn = connector(idOf(CASES[i], i), { iapClientId: "999-wrong.apps.googleusercontent.com" });
    const got = await outcomeOf(conn.getHealth(AbortSignal.timeout(10_000)));
    expect("error" in got && got.error.kind).toBe("auth");
    expect("error" in got && got.error.message).toMatch(/Identity-Aware Proxy refused the ID token.*audience/);
  });

  it("an unknown environment is a platform error saying it was not found", async () => {
    const conn = connector(idOf(CASES[0], 0), { environment: "no-such-env" });
    const e = await conn.getPlatform(AbortSignal.timeout(10_000)).catch((x: unknown) => x as AirflowError);
    expect(e).toBeInstanceOf(AirflowError);
    expect((e as AirflowError).kind).toBe("platform");
    expect((e as AirflowError).message).toMatch(/Composer environment no-such-env not found/);
  });

  it("an unreachable Composer API is a connection error", async () => {
    const conn = connector(idOf(CASES[0], 0), { apiEndpoint: "http://127.0.0.1:9" });
    const e = await conn.getPlatform(AbortSignal.timeout(10_000)).catch((x: unknown) => x as AirflowError);
    expect((e as AirflowError).kind).toBe("connection");
  });

  it("every environment shared one token source: a handful of token requests in all", () => {
    const stats = sim.stats();
    const tokenRequests = Object.entries(stats.byRoute)
      .filter(([k]) => k === "POST /token" || /service-accounts\/default\/(token|identity)$/.test(k))
      .reduce((n, [, v]) => n + v, 0);
    // One access token for ~20 environments, plus ID tokens for the two audiences used (IAP + wrong).
    expect(tokenRequests).toBeGreaterThanOrEqual(2);
    expect(tokenRequests).toBeLessThanOrEqual(4);
  });
});
