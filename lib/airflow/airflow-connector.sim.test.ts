import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { airflowFailure } from "@/lib/testing/airflow-failure";
import { validateConfig } from "@/lib/config/load";
import type { FlightboardConfig } from "@/lib/config/types";
import { startSimulator, type SimEnvironmentSpec, type Simulator } from "@/sim/index";
import { connectorFor } from "./registry";
import { DEFAULT_MAX_BYTES } from "./transport";
import type { Connector } from "./types";

/**
 * The airflow connector against the project's simulator (real HTTP on loopback): Airflow 2 and
 * Airflow 3 virtual environments, their auth, and the failure scenarios. Each connector is built
 * from the configuration the simulator writes, through the real loader and the kind registry, so a
 * broken config-to-auth mapping fails here. Connector and simulator share Date (faked to age
 * a token); `serverAhead` moves only the simulator's clock (a server that expires a token early).
 */

let serverAhead = 0;
const limits = { timeoutMs: 2_000, maxBytes: DEFAULT_MAX_BYTES };
const signal = () => new AbortController().signal;

const specs: SimEnvironmentSpec[] = [
  { id: "a2", airflowVersion: "2.10.5", scenario: "healthy", dagCount: 30 },
  { id: "a3", airflowVersion: "3.1.0", scenario: "healthy", dagCount: 30, pathPrefix: "/airflow", options: { jwtLifetimeS: 600 } },
  { id: "a2-imports", airflowVersion: "2.9.3", scenario: "import-errors" },
  { id: "a3-sched", airflowVersion: "3.0.6", scenario: "scheduler-down" },
  { id: "a2-badcreds", airflowVersion: "2.10.5", scenario: "bad-credentials" },
  { id: "a3-badcreds", airflowVersion: "3.1.0", scenario: "bad-credentials" },
  { id: "a2-login", airflowVersion: "2.10.5", scenario: "html-login-redirect" },
  { id: "a3-500", airflowVersion: "3.1.0", scenario: "http-500" },
  { id: "a2-hangs", airflowVersion: "2.10.5", scenario: "hangs" },
];

let sim: Simulator;
let config: FlightboardConfig;

/** Builds the connector exactly as the monitor does: the validated config entry through the registry. */
function connector(id: string, over: { timeoutMs?: number } = {}): Connector {
  const env = config.environments.find((e) => e.id === id);
  if (!env) throw new Error(`simulator config has no environment ${id}`);
  expect(env.target.kind).toBe("airflow");
  return connectorFor(env.target, { limits: { ...limits, timeoutMs: over.timeoutMs ?? limits.timeoutMs }, uiUrl: env.uiUrl });
}

const failure = (p: Promise<unknown>) => airflowFailure(p, Object.values(sim.processEnv).filter((v) => v.length >= 6));

describe("airflow connector × simulator", () => {
  beforeAll(async () => {
    sim = await startSimulator({ environments: specs, clock: { now: () => Date.now() + serverAhead }, seed: 7 });
    config = validateConfig(sim.config, "simulator", sim.processEnv);
  });
  afterAll(async () => {
    await sim?.close();
  });

  for (const [id, version, api] of [
    ["a2", "2.10.5", "v1"],
    ["a3", "3.1.0", "v2"],
  ] as const) {
    it(`${id}: detects ${api}, reads health, DAGs, runs and import errors`, async () => {
      const c = connector(id);
      expect((await c.getVersion(signal())).version).toBe(version);
      expect(c.apiVersion()).toBe(api);
      const h = await c.getHealth(signal());
      expect([h.metadatabase, h.scheduler]).toEqual(["healthy", "healthy"]);
      expect(h.schedulerHeartbeat).toMatch(/Z$/);

      const first = await c.listDags({ offset: 0, limit: 20 }, signal());
      const rest = await c.listDags({ offset: 20, limit: 20 }, signal());
      const dags = [...first.items, ...rest.items];
      expect(first.total).toBe(dags.length);
      expect(dags.length).toBeGreaterThanOrEqual(30);
      expect(dags.every((d) => d.active)).toBe(true); // stale DAGs are left out
      expect(new Set(dags.map((d) => d.dagId)).size).toBe(dags.length);

      const since = new Date(Date.now() - 24 * 3600_000).toISOString();
      const runs = await c.listRuns({ updatedAtGte: since, offset: 0, limit: 100 }, signal());
      expect(runs.total).toBeGreaterThan(0);
      for (const r of runs.items) {
        expect(r.updatedAt! >= since).toBe(true);
        expect(["queued", "running", "success", "failed"]).toContain(r.state);
      }
      const updated = runs.items.map((r) => r.updatedAt!);
      expect(updated).toEqual([...updated].sort());

      const withRuns = runs.items[0].dagId;
      const one = await c.listDagRuns(withRuns, 5, signal());
      expect(one.length).toBeGreaterThan(0);
      expect(one.every((r) => r.dagId === withRuns)).toBe(true);
      const starts = one.map((r) => r.startDate ?? "");
      expect(starts).toEqual([...starts].sort().reverse());
      expect((await failure(c.listDagRuns("no_such_dag", 5, signal()))).kind).toBe("not_found");

      expect((await c.listImportErrors({ offset: 0, limit: 50 }, signal())).total).toBe(0);
    });
  }

  it("a3: one JWT login serves many calls, and a new one is made before exp", async () => {
    // Date is faked before the connector exists, so the clock it keeps is the one moved below.
    vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
    try {
      const c = connector("a3");
      sim.resetStats();
      await Promise.all([c.getHealth(signal()), c.listDags({ offset: 0, limit: 5 }, signal()), c.listImportErrors({ offset: 0, limit: 5 }, signal())]);
      await c.listDags({ offset: 0, limit: 5 }, signal());
      expect(sim.stats().byRoute["POST /auth/token"]).toBe(1);
      vi.setSystemTime(Date.now() + 545_000); // 600 s tokens: renewed 60 s before exp
      await c.listDags({ offset: 0, limit: 5 }, signal());
      expect(sim.stats().byRoute["POST /auth/token"]).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it("a3: a token the server calls expired is renewed once on 401 and the call succeeds", async () => {
    const c = connector("a3");
    sim.resetStats();
    await c.listDags({ offset: 0, limit: 5 }, signal());
    serverAhead = 700_000; // past exp (600 s) and Airflow's 10 s leeway, on the server's clock only
    try {
      const page = await c.listDags({ offset: 0, limit: 5 }, signal());
      expect(page.items.length).toBe(5);
      expect(sim.stats().byRoute["POST /auth/token"]).toBe(2);
    } finally {
      serverAhead = 0;
    }
  });

  it("import errors and an unhealthy scheduler are reported", async () => {
    const imports = await connector("a2-imports").listImportErrors({ offset: 0, limit: 50 }, signal());
    expect(imports.total).toBeGreaterThan(0);
    expect(imports.items[0].stackTrace.length).toBeGreaterThan(0);
    const h = await connector("a3-sched").getHealth(signal());
    expect(h.scheduler).toBe("unhealthy");
  });

  it("rejected credentials are auth errors on both versions", async () => {
    const v1 = await failure(connector("a2-badcreds").listDags({ offset: 0, limit: 5 }, signal()));
    expect([v1.kind, v1.httpStatus]).toEqual(["auth", 401]);
    const v2 = await failure(connector("a3-badcreds").listDags({ offset: 0, limit: 5 }, signal()));
    expect(v2.kind).toBe("auth");
    expect(v2.message).toMatch(/^Airflow rejected the login for user /);
  });

  it("a login redirect is an auth error, a 500 an http error, a hang a timeout", async () => {
    expect((await failure(connector("a2-login").listDags({ offset: 0, limit: 5 }, signal()))).kind).toBe("auth");
    const e500 = await failure(connector("a3-500").getHealth(signal()));
    expect([e500.kind, e500.httpStatus]).toEqual(["http", 500]);
    const hang = await failure(connector("a2-hangs", { timeoutMs: 300 }).getHealth(signal()));
    expect(hang.kind).toBe("timeout");
  });
});
