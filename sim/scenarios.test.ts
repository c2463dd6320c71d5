import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoFleet, startSimulator } from "./index";
import { basic, call, FakeClock } from "./testing/helpers";
import type { Simulator } from "./types";

const T0 = Date.parse("2026-03-20T10:00:00Z");

/** Active unpaused DAGs whose latest finished run (by start date) failed, asked per DAG like a person would. */
async function failingDags(api: string, headers: Record<string, string>): Promise<string[]> {
  const dags = (await call(`${api}/dags?limit=100&paused=false`, { headers })).json.dags as Array<{ dag_id: string }>;
  const out: string[] = [];
  for (const d of dags) {
    const r = await call(`${api}/dags/${d.dag_id}/dagRuns?order_by=-start_date&state=success&state=failed&limit=1`, { headers });
    if (r.json.dag_runs[0]?.state === "failed") out.push(d.dag_id);
  }
  return out;
}

describe("scenarios", () => {
  const clock = new FakeClock(T0);
  let sim: Simulator;
  const envs = ["healthy", "failing-dags", "import-errors", "scheduler-down", "triggerer-down", "http-500", "html-login-redirect", "bad-credentials", "flapping"];
  const pw = (id: string) => sim.processEnv[`SIM_${id.toUpperCase().replace(/-/g, "_")}_PASSWORD`];
  beforeAll(async () => {
    sim = await startSimulator({
      clock,
      flapPeriodS: 20,
      environments: [
        ...envs.map((s) => ({ id: `v2-${s}`, airflowVersion: "2.10.5", scenario: s, dagCount: 30 })),
        ...envs.map((s) => ({ id: `v3-${s}`, airflowVersion: "3.2.0", scenario: s, dagCount: 30, auth: "none" as const })),
        { id: "v3-creds", airflowVersion: "3.2.0", scenario: "bad-credentials" },
      ],
    });
  });
  afterAll(() => sim?.close());
  const h = (id: string) => (id.startsWith("v2") ? basic("monitor", pw(id)) : {});
  const api = (id: string) => `${sim.url(id)}/api/${id.startsWith("v2") ? "v1" : "v2"}`;
  const healthUrl = (id: string) => (id.startsWith("v2") ? `${sim.url(id)}/health` : `${sim.url(id)}/api/v2/monitor/health`);

  it("healthy: every component healthy, no failing DAGs, no import errors", async () => {
    for (const id of ["v2-healthy", "v3-healthy"]) {
      const health = (await call(healthUrl(id))).json;
      expect(health.scheduler.status).toBe("healthy");
      expect(health.triggerer.status).toBe("healthy");
      expect(await failingDags(api(id), h(id))).toEqual([]);
      expect((await call(`${api(id)}/importErrors`, { headers: h(id) })).json.total_entries).toBe(0);
      expect((await call(`${api(id)}/dags/~/dagRuns?state=failed`, { headers: h(id) })).json.total_entries).toBe(0);
    }
  });

  it("failing-dags: exactly 3; switching to healthy fixes them at once and bumps updated_at", async () => {
    for (const id of ["v2-failing-dags", "v3-failing-dags"]) {
      expect(await failingDags(api(id), h(id))).toHaveLength(3);
      const switchAt = clock.now();
      sim.setScenario(id, "healthy");
      expect(await failingDags(api(id), h(id))).toEqual([]);
      const marked = await call(`${api(id)}/dags/~/dagRuns?updated_at_gte=${encodeURIComponent(new Date(switchAt).toISOString())}&state=success`, { headers: h(id) });
      expect(marked.json.total_entries).toBeGreaterThanOrEqual(3);
      sim.setScenario(id, "failing-dags");
      expect(await failingDags(api(id), h(id))).toHaveLength(3);
    }
  });

  it("import-errors: exactly 2, and one DAG has has_import_errors", async () => {
    for (const id of ["v2-import-errors", "v3-import-errors"]) {
      const ie = (await call(`${api(id)}/importErrors`, { headers: h(id) })).json;
      expect(ie.total_entries).toBe(2);
      expect(ie.import_errors[0].stack_trace).toMatch(/Error/);
      const dags = (await call(`${api(id)}/dags?limit=100`, { headers: h(id) })).json.dags;
      expect(dags.filter((d: { has_import_errors: boolean }) => d.has_import_errors)).toHaveLength(1);
    }
  });

  it("scheduler-down and triggerer-down: unhealthy, heartbeat 95 s before the scenario began and ageing", async () => {
    for (const id of ["v2-scheduler-down", "v3-scheduler-down"]) {
      const a = (await call(healthUrl(id))).json;
      expect(a.scheduler.status).toBe("unhealthy");
      expect(a.metadatabase.status).toBe("healthy");
      expect(Date.parse(a.scheduler.latest_scheduler_heartbeat)).toBeCloseTo(T0 - 95_000, -3);
    }
    for (const id of ["v2-triggerer-down", "v3-triggerer-down"]) {
      const a = (await call(healthUrl(id))).json;
      expect(a.triggerer.status).toBe("unhealthy");
      expect(a.scheduler.status).toBe("healthy");
    }
    const healthyBeat = Date.parse((await call(healthUrl("v3-healthy"))).json.scheduler.latest_scheduler_heartbeat);
    expect(T0 - healthyBeat).toBeLessThan(5000);
    const v3 = (await call(healthUrl("v3-healthy"))).json;
    expect(v3.dag_processor.status).toBe("healthy");
    expect((await call(healthUrl("v2-healthy"))).json.dag_processor).toEqual({ status: null, latest_dag_processor_heartbeat: null });
  });

  it("http-500: every route answers 500 with HTML", async () => {
    for (const id of ["v2-http-500", "v3-http-500"]) {
      for (const url of [healthUrl(id), `${api(id)}/dags`, `${api(id)}/version`]) {
        const r = await call(url, { headers: h(id) });
        expect(r.status).toBe(500);
        expect(r.headers.get("content-type")).toMatch(/text\/html/);
      }
    }
  });

  it("html-login-redirect: 302 to /login/?next=… and the login page is HTML 200", async () => {
    for (const id of ["v2-html-login-redirect", "v3-html-login-redirect"]) {
      const r = await call(`${api(id)}/dags?limit=5`, { headers: h(id) });
      expect(r.status).toBe(302);
      const loc = r.headers.get("location")!;
      expect(loc).toMatch(/^\/login\/\?next=/);
      expect(decodeURIComponent(loc.split("next=")[1])).toMatch(/\/dags\?limit=5$/);
      const page = await call(`${sim.url(id)}${loc}`);
      expect(page.status).toBe(200);
      expect(page.headers.get("content-type")).toMatch(/text\/html/);
      expect((await call(healthUrl(id))).status).toBe(302);
    }
  });

  it("bad-credentials: health and version answer, every authenticated call is 401", async () => {
    const v2 = "v2-bad-credentials";
    expect((await call(healthUrl(v2))).status).toBe(200);
    expect((await call(`${api(v2)}/version`)).status).toBe(200);
    const r = await call(`${api(v2)}/dags`, { headers: h(v2) });
    expect(r.status).toBe(401);
    expect(r.json.title).toBe("Unauthorized");
    const u = sim.url("v3-creds");
    const token = await call(`${u}/auth/token`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "monitor", password: sim.processEnv.SIM_V3_CREDS_PASSWORD }) });
    expect(token.status).toBe(401);
    expect(token.json).toEqual({ detail: "Invalid credentials" });
    expect((await call(`${u}/api/v2/dags`)).status).toBe(401);
    expect((await call(`${u}/api/v2/monitor/health`)).status).toBe(200);
  });

  it("flapping: healthy then 500 on every route for half the period each", async () => {
    const id = "v3-flapping";
    const statusAt = async () => [(await call(healthUrl(id))).status, (await call(`${api(id)}/dags`)).status];
    const start = clock.now();
    clock.t = T0 + 1_000;
    expect(await statusAt()).toEqual([200, 200]);
    clock.t = T0 + 11_000;
    expect(await statusAt()).toEqual([500, 500]);
    clock.t = T0 + 21_000;
    expect(await statusAt()).toEqual([200, 200]);
    clock.t = start;
  });

  it("setScenario switches at runtime and rejects unknown ids", async () => {
    sim.setScenario("v3-healthy", "http-500");
    expect((await call(healthUrl("v3-healthy"))).status).toBe(500);
    sim.setScenario("v3-healthy", "healthy");
    expect((await call(healthUrl("v3-healthy"))).status).toBe(200);
    expect(() => sim.setScenario("nope", "healthy")).toThrow(/no environment "nope"/);
  });
});

describe("slow, hangs and stats", () => {
  it("slow delays every response by slowMs", async () => {
    const sim = await startSimulator({ slowMs: 500, environments: [{ id: "s", airflowVersion: "3.2.0", scenario: "slow", auth: "none" }] });
    try {
      const t = performance.now();
      expect((await call(`${sim.url("s")}/api/v2/monitor/health`)).status).toBe(200);
      expect(performance.now() - t).toBeGreaterThanOrEqual(480);
      sim.setScenario("s", "healthy");
      const t2 = performance.now();
      await call(`${sim.url("s")}/api/v2/monitor/health`);
      expect(performance.now() - t2).toBeLessThan(450);
    } finally {
      await sim.close();
    }
  });

  it("hangs accepts, counts and never answers; close() destroys the socket", async () => {
    const sim = await startSimulator({ environments: [{ id: "h", airflowVersion: "2.10.5", scenario: "hangs" }] });
    const outcome = new Promise<string>((resolve) => {
      const req = request(`${sim.url("h")}/health`, (res) => resolve(`answered ${res.statusCode}`));
      req.on("error", (e) => resolve(`error ${(e as NodeJS.ErrnoException).code}`));
      req.end();
    });
    for (let i = 0; i < 100 && sim.stats().total === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(sim.stats()).toMatchObject({ total: 1, byEnvironment: { h: 1 }, byRoute: { "GET /health": 1 } });
    const raced = await Promise.race([outcome, new Promise((r) => setTimeout(() => r("pending"), 200))]);
    expect(raced).toBe("pending");
    const t = performance.now();
    await sim.close();
    expect(performance.now() - t).toBeLessThan(1000);
    expect(await outcome).toMatch(/^error/);
  });

  it("counts every request by environment and route key; resetStats clears", async () => {
    const sim = await startSimulator({ environments: [
      { id: "c2", airflowVersion: "2.10.5", scenario: "http-500" },
      { id: "c3", airflowVersion: "3.2.0", scenario: "healthy" },
    ] });
    try {
      await call(`${sim.url("c2")}/api/v1/dags/~/dagRuns`);
      await call(`${sim.url("c2")}/api/v1/dags/some_dag/dagRuns`);
      await call(`${sim.url("c3")}/auth/token`, { method: "POST", body: "{}", headers: { "content-type": "application/json" } });
      await call(`${sim.url("c3")}/api/v2/dags`);
      expect(sim.stats()).toEqual({
        total: 4,
        byEnvironment: { c2: 2, c3: 2 },
        byRoute: { "GET /api/v1/dags/~/dagRuns": 1, "GET /api/v1/dags/{dag_id}/dagRuns": 1, "POST /auth/token": 1, "GET /api/v2/dags": 1 },
      });
      sim.resetStats();
      expect(sim.stats()).toEqual({ total: 0, byEnvironment: {}, byRoute: {} });
    } finally {
      await sim.close();
    }
  });
});

describe("fleet, config and planes", () => {
  it("demo fleet: 12+ environments, mixed versions, auth and teams; config matches", async () => {
    const fleet = demoFleet();
    expect(fleet.length).toBeGreaterThanOrEqual(12);
    expect(new Set(fleet.map((s) => s.auth))).toEqual(new Set(["basic", "jwt", "bearer", "none"]));
    expect(new Set(fleet.map((s) => s.tags?.team))).toEqual(new Set(["sales", "marketing", "finance", "platform", "data-science"]));
    expect(fleet.some((s) => s.airflowVersion.startsWith("2")) && fleet.some((s) => s.airflowVersion.startsWith("3"))).toBe(true);
    expect(fleet.filter((s) => s.scenario !== "healthy").length).toBeLessThan(fleet.length / 2);
    expect(fleet.some((s) => s.scenario === "hangs" || s.scenario === "huge")).toBe(false);
    const sim = await startSimulator({ environments: fleet });
    try {
      expect(sim.config.environments.map((e) => e.id)).toEqual(fleet.map((s) => s.id));
      for (const e of sim.config.environments) {
        const auth = (e.airflow as { auth: { passwordEnv?: string; tokenEnv?: string } }).auth;
        const name = auth.passwordEnv ?? auth.tokenEnv;
        if (name) expect(sim.processEnv[name]).toBeTruthy();
        expect(JSON.stringify(e)).not.toContain(name ? sim.processEnv[name] : "\u0000");
      }
      const sales = sim.config.environments[0];
      expect(sales).toMatchObject({ id: "sales-prod", name: "Sales (prod)", tags: { team: "sales", stage: "prod" }, airflow: { apiVersion: "auto", auth: { type: "basic", username: "monitor" } } });
    } finally {
      await sim.close();
    }
  });

  it("the recovering DAG fails and later recovers", async () => {
    const clock = new FakeClock(T0 + 14 * 60_000);
    const sim = await startSimulator({ clock, environments: [{ id: "r", airflowVersion: "3.2.0", scenario: "healthy", auth: "none", dagCount: 10, options: { recoveringDag: true } }] });
    try {
      const api = `${sim.url("r")}/api/v2`;
      const seen = new Set<number>();
      for (let i = 0; i < 8; i++) {
        seen.add((await failingDags(api, {})).length);
        clock.advance(5 * 60_000);
      }
      expect([...seen].sort()).toEqual([0, 1]);
    } finally {
      await sim.close();
    }
  });

  it("cloud planes: an Airflow and an MWAA environment in one simulator share config, stats and scenarios", async () => {
    const sim = await startSimulator({ environments: [
      { id: "plain", airflowVersion: "2.10.5", scenario: "healthy" },
      { id: "m1", kind: "mwaa", airflowVersion: "2.10.5", scenario: "healthy" },
    ] });
    try {
      expect(sim.config.environments.map((e) => e.id)).toEqual(["plain", "m1"]);
      expect(sim.config.environments[1]).toMatchObject({ mwaa: { environmentName: expect.any(String) } });
      expect(sim.config.discovery).toMatchObject({ mwaa: [expect.objectContaining({ regions: expect.any(Array) })] });
      expect(sim.processEnv.AWS_ENDPOINT_URL_MWAA).toMatch(/^https?:\/\/(127\.0\.0\.1|localhost):\d+/);
      sim.resetStats();
      const auth = (sim.config.environments[0].airflow as { auth: { username: string; passwordEnv: string } }).auth;
      const dags = await call(`${sim.url("plain")}/api/v1/dags?limit=2`, { headers: basic(auth.username, sim.processEnv[auth.passwordEnv]) });
      expect(dags.status).toBe(200);
      expect(sim.stats().byRoute["GET /api/v1/dags"]).toBe(1);
      sim.setScenario("m1", "failing-dags"); // the plane's environment runs on a virtual Airflow too
    } finally {
      await sim.close();
    }
  });
});
