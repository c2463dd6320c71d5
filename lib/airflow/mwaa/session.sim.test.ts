import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimEnvironmentSpec, Simulator } from "@/sim/index";
import type { Connector } from "../types";
import { DEFAULT_MAX_BYTES } from "../transport";
import { createMwaaConnector } from "./connector";
import { startMwaaSimulator, stopMwaaSimulator } from "./testing/mwaa-sim";

/**
 * Web-login economy: one CreateWebLoginToken + login per environment per session lifetime, shared
 * by every poll; renewal exactly once when the session ends (proactively from the JWT `exp` or the
 * 12-hour rule, or after a 401 when the server ends it earlier). A fake clock drives both the
 * simulator and the connectors; TLS and SigV4 still run on the real clock.
 */

const HOUR = 3600_000;
const LIMITS = { timeoutMs: 5000, maxBytes: DEFAULT_MAX_BYTES };
let now = Date.now();
const clock = { now: () => now };
let sim: Simulator;

const WEBTOKEN = "POST /webtoken/{Name}";
const LOGIN2 = "POST /aws_mwaa/login";
const LOGIN3 = "POST /pluginsv2/aws_mwaa/login";
const logins = () => {
  const r = sim.stats().byRoute;
  return { tokens: r[WEBTOKEN] ?? 0, logins: (r[LOGIN2] ?? 0) + (r[LOGIN3] ?? 0) };
};

const FLEET = 50;
const specs: SimEnvironmentSpec[] = [
  { id: "s2", kind: "mwaa", airflowVersion: "2.10.3", scenario: "healthy", dagCount: 5 },
  { id: "s2-short", kind: "mwaa", airflowVersion: "2.11.0", scenario: "healthy", dagCount: 5, options: { sessionLifetimeS: 3600 } },
  { id: "s3-short", kind: "mwaa", airflowVersion: "3.0.6", scenario: "healthy", dagCount: 5, options: { sessionLifetimeS: 3600 } },
  { id: "s-bad", kind: "mwaa", airflowVersion: "2.10.3", scenario: "bad-credentials", dagCount: 5 },
  ...Array.from({ length: FLEET }, (_, i): SimEnvironmentSpec => ({
    id: `fleet-${String(i).padStart(2, "0")}`,
    kind: "mwaa",
    airflowVersion: i % 2 ? "3.0.6" : "2.10.3",
    scenario: "healthy",
    dagCount: 3,
    options: { region: i % 3 === 0 ? "eu-west-1" : "us-east-1" },
  })),
];

function connector(id: string, region = "us-east-1"): Connector {
  return createMwaaConnector({
    environmentName: id,
    region,
    access: "web-login",
    endpoint: sim.processEnv.AWS_ENDPOINT_URL_MWAA,
    limits: LIMITS,
    now: clock.now,
  });
}

/** One monitor-like poll: control plane, health, DAGs, runs, import errors. */
async function poll(c: Connector): Promise<void> {
  const s = AbortSignal.timeout(15_000);
  await c.getPlatform(s);
  await c.getHealth(s);
  await c.listDags({ offset: 0, limit: 100 }, s);
  await c.listRuns({ offset: 0, limit: 100 }, s);
  await c.listImportErrors({ offset: 0, limit: 100 }, s);
}

beforeAll(async () => {
  sim = await startMwaaSimulator({ environments: specs, clock });
});
afterAll(() => stopMwaaSimulator(sim));

/** One stretch of polling: the clock moves `after` ms, then `polls` polls; `logins` so far checked when given. */
type Stretch = { after: number; polls: number; logins?: number };

/** Polls a fresh connector for `id` stretch by stretch; returns it for what the test checks next. */
async function pollStretches(id: string, stretches: Stretch[]): Promise<Connector> {
  const c = connector(id);
  sim.resetStats();
  for (const { after, polls, logins: n } of stretches) {
    now += after;
    for (let i = 0; i < polls; i++) await poll(c);
    if (n !== undefined) expect(logins(), `${polls} polls after +${after} ms`).toEqual({ tokens: n, logins: n });
  }
  return c;
}

describe("MWAA web-login sessions", () => {
  it.each<[string, string, Stretch[]]>([
    ["reuses one session across many polls and renews it exactly once after 12 h (Airflow 2 cookie)", "s2", [
      { after: 0, polls: 20, logins: 1 },
      { after: 6 * HOUR, polls: 5, logins: 1 },
      { after: 6 * HOUR + 60_000, polls: 10, logins: 2 },
    ]],
    // The server's 1-h session is gone after 2 h; the connector still assumes 12 h.
    ["renews exactly once after the web server ends the session early (401)", "s2-short", [
      { after: 0, polls: 5, logins: 1 },
      { after: 2 * HOUR, polls: 10, logins: 2 },
    ]],
  ])("%s", async (_name, id, stretches) => {
    await pollStretches(id, stretches);
  });

  it("renews from the JWT exp before it is rejected (Airflow 3 _token)", async () => {
    const c = await pollStretches("s3-short", [{ after: 0, polls: 5 }, { after: 30 * 60_000, polls: 5, logins: 1 }]);
    now += 30 * 60_000; // exactly at exp: renewed beforehand, no 401 round trip needed
    const before = sim.stats().byRoute["GET /api/v2/dags"] ?? 0;
    await poll(c);
    expect(logins()).toEqual({ tokens: 2, logins: 2 });
    expect((sim.stats().byRoute["GET /api/v2/dags"] ?? 0) - before).toBe(1);
  });

  it("logs in once for concurrent first calls (single flight)", async () => {
    const c = connector("s2");
    sim.resetStats();
    await Promise.all(Array.from({ length: 20 }, () => c.listDags({ offset: 0, limit: 10 }, AbortSignal.timeout(15_000))));
    expect(logins()).toEqual({ tokens: 1, logins: 1 });
  });

  it("tries a refused session exactly once more, then reports auth", async () => {
    const c = connector("s-bad");
    sim.resetStats();
    await expect(c.listDags({ offset: 0, limit: 10 }, AbortSignal.timeout(15_000))).rejects.toMatchObject({ kind: "auth" });
    expect(logins()).toEqual({ tokens: 2, logins: 2 });
  });

  it(`polling ${FLEET} environments costs one CreateWebLoginToken per environment per session lifetime`, async () => {
    const fleet = specs.filter((s) => s.id.startsWith("fleet-"));
    const conns = fleet.map((s) => connector(s.id, (s.options?.region as string | undefined) ?? "us-east-1"));
    sim.resetStats();
    const rounds = 4;
    const t0 = performance.now();
    // A health-cadence poll: control plane, health, DAG list (runs cost the simulator most, and
    // change nothing about logins).
    const light = async (c: Connector) => {
      const s = AbortSignal.timeout(20_000);
      await c.getPlatform(s);
      await c.getHealth(s);
      await c.listDags({ offset: 0, limit: 100 }, s);
    };
    for (let r = 0; r < rounds; r++) {
      await Promise.all(conns.map(light));
      now += 15 * 60_000; // a poll every 15 minutes: one hour of polling
    }
    const first = logins();
    const calls = sim.stats().total;
    now += 12 * HOUR;
    await Promise.all(conns.map(light));
    const second = logins();
    console.log(
      `[mwaa] ${FLEET} environments × ${rounds} polls (3 calls each): ${first.tokens} CreateWebLoginToken, ${first.logins} logins, ` +
        `${calls} simulator requests in ${Math.round(performance.now() - t0)} ms; after 12 h more: ${second.tokens} tokens, ${second.logins} logins in total`,
    );
    expect(first).toEqual({ tokens: FLEET, logins: FLEET });
    expect(second).toEqual({ tokens: 2 * FLEET, logins: 2 * FLEET });
  });
});
