import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { airflowFailure } from "@/lib/testing/airflow-failure";
import { parse } from "yaml";
import { startSimulator } from "../../sim";
import type { SimEnvironmentSpec, Simulator } from "../../sim/types";
import { createAirflowConnector } from "./airflow-connector";
import { startTestServer, type TestServer } from "./transports/testing/http-server";
import type { AirflowAuth } from "./transports/auth-strategies";
import type { Connector } from "./types";

/**
 * Connector writes against the simulator's Airflow 2 and Airflow 3 (real HTTP on loopback), and the
 * exact requests a recording server receives, checked against the OpenAPI specs in ../shared.
 */

const t = Date.parse("2026-11-21T12:00:00Z");
const clock = { now: () => t };
const signal = () => new AbortController().signal;
const specs: SimEnvironmentSpec[] = [
  { id: "w2", airflowVersion: "2.10.5", scenario: "failing-dags", dagCount: 20 },
  { id: "w3", airflowVersion: "3.1.0", scenario: "failing-dags", dagCount: 20 },
  { id: "v2-viewer", airflowVersion: "2.10.5", scenario: "healthy", dagCount: 5, options: { role: "Viewer" } },
  { id: "v3-viewer", airflowVersion: "3.1.0", scenario: "healthy", dagCount: 5, options: { role: "Viewer" } },
  { id: "w2-hangs", airflowVersion: "2.10.5", scenario: "healthy", dagCount: 5 },
];
let sim: Simulator;

type Entry = { id: string; airflow?: { baseUrl: string; auth?: { type: string; username?: string; passwordEnv?: string; tokenEnv?: string } } };

function connectorFor(id: string, timeoutMs = 5_000): Connector {
  const entry = (sim.config.environments as Entry[]).find((e) => e.id === id)!;
  const a = entry.airflow!.auth ?? { type: "none" };
  const secret = (name?: string) => ({ env: name ?? "", value: name ? sim.processEnv[name] : undefined });
  const auth: AirflowAuth = a.type === "basic"
    ? { type: "basic", username: a.username ?? "", password: secret(a.passwordEnv) }
    : { type: "jwt", username: a.username ?? "", password: secret(a.passwordEnv) };
  return createAirflowConnector({ baseUrl: entry.airflow!.baseUrl, apiVersion: "auto", auth, limits: { timeoutMs, maxBytes: 1 << 24 }, now: clock.now });
}

beforeAll(async () => {
  sim = await startSimulator({ environments: specs, clock, seed: 11 });
});
afterAll(async () => {
  await sim?.close();
});

describe("connector writes × simulator", () => {
  for (const id of ["w2", "w3"]) {
    it(`${id}: trigger, duplicate-free run ids, clear a failed run, pause and resume`, async () => {
      const c = connectorFor(id);
      const dags = (await c.listDags({ offset: 0, limit: 100 }, signal())).items;
      const active = dags.find((d) => !d.paused)!;
      const run = await c.triggerRun!(active.dagId, { conf: { k: 1 }, note: "from the board" }, signal());
      expect(run).toMatchObject({ dagId: active.dagId, state: "queued", runType: "manual" });
      expect(run.runId).toMatch(/^manual__/);

      // A failed run: clearing re-runs its failed task; the run leaves `failed`.
      let failed: { dagId: string; runId: string } | null = null;
      for (const d of dags) {
        const runs = await c.listDagRuns(d.dagId, 10, signal());
        const f = runs.find((r) => r.state === "failed");
        if (f) { failed = f; break; }
      }
      expect(failed).not.toBeNull();
      expect(await c.clearFailed!(failed!.dagId, failed!.runId, signal())).toBe(1);
      const after = await c.listDagRuns(failed!.dagId, 10, signal());
      expect(after.find((r) => r.runId === failed!.runId)?.state).toBe("success");
      expect(await c.clearFailed!(failed!.dagId, failed!.runId, signal())).toBe(0);

      const paused = await c.setPaused!(active.dagId, true, signal());
      expect(paused.paused).toBe(true);
      expect((await c.listDags({ offset: 0, limit: 100 }, signal())).items.find((d) => d.dagId === active.dagId)?.paused).toBe(true);
      expect((await c.setPaused!(active.dagId, false, signal())).paused).toBe(false);
    });

    it(`${id}: unknown DAG and run are not_found; bad conf never leaves Airflow's answer`, async () => {
      const c = connectorFor(id);
      expect((await airflowFailure(c.triggerRun!("no_such_dag", { conf: {} }, signal()))).kind).toBe("not_found");
      expect((await airflowFailure(c.setPaused!("no_such_dag", true, signal()))).kind).toBe("not_found");
      const dag = (await c.listDags({ offset: 0, limit: 1 }, signal())).items[0];
      const e = await airflowFailure(c.clearFailed!(dag.dagId, "scheduled__1999-01-01T00:00:00+00:00", signal()));
      expect(e.kind).toBe("not_found");
      expect(e.message).toMatch(/Dag Run id/);
    });
  }

  it("Airflow 2 answers a duplicate run id with 409", async () => {
    const va = sim.url("w2");
    const entry = (sim.config.environments as Entry[]).find((e) => e.id === "w2")!;
    const auth = `Basic ${Buffer.from(`${entry.airflow!.auth!.username}:${sim.processEnv[entry.airflow!.auth!.passwordEnv!]}`).toString("base64")}`;
    const c = connectorFor("w2");
    const d = (await c.listDags({ offset: 0, limit: 1 }, signal())).items[0];
    const post = () => fetch(`${va}/api/v1/dags/${d.dagId}/dagRuns`, {
      method: "POST", headers: { authorization: auth, "content-type": "application/json" }, body: JSON.stringify({ dag_run_id: "fixed-id", conf: {} }),
    });
    expect((await post()).status).toBe(200);
    const again = await post();
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ title: "DAGRun already exists", status: 409 });
  });

  it("a write that times out is a timeout error and was sent exactly once (never retried)", async () => {
    const c = connectorFor("w2-hangs", 400);
    const dag = (await c.listDags({ offset: 0, limit: 1 }, signal())).items[0];
    sim.setScenario("w2-hangs", "hangs");
    sim.resetStats();
    expect((await airflowFailure(c.triggerRun!(dag.dagId, { conf: {} }, signal()))).kind).toBe("timeout");
    expect((await airflowFailure(c.setPaused!(dag.dagId, true, signal()))).kind).toBe("timeout");
    expect(sim.stats().byRoute).toEqual({ "POST /api/v1/dags/{dag_id}/dagRuns": 1, "PATCH /api/v1/dags/{dag_id}": 1 });
  });

  for (const id of ["v2-viewer", "v3-viewer"]) {
    it(`${id}: credentials with the Viewer role get Airflow's 403 for every write`, async () => {
      const c = connectorFor(id);
      const dag = (await c.listDags({ offset: 0, limit: 1 }, signal())).items[0];
      for (const p of [c.triggerRun!(dag.dagId, { conf: {} }, signal()), c.clearFailed!(dag.dagId, "x", signal()), c.setPaused!(dag.dagId, true, signal())]) {
        const e = await airflowFailure(p);
        expect([e.kind, e.httpStatus]).toEqual(["auth", 403]);
      }
      expect((await c.listDags({ offset: 0, limit: 1 }, signal())).items[0].paused).toBe(dag.paused);
    });
  }
});

/** Request-body schemas of each write, from the specs the project keeps. */
const SPEC_DIR = fileURLToPath(new URL("../../../shared/airflow-api/", import.meta.url));
const haveSpecs = existsSync(`${SPEC_DIR}airflow2-v1.yaml`) && existsSync(`${SPEC_DIR}airflow3-v2.yaml`);
if (!haveSpecs) console.warn(`write bodies not checked against the specs: ${SPEC_DIR} (the shared Airflow specs) is absent`);
type Schema = { properties?: Record<string, unknown>; required?: string[] };
function schemas(file: string): Record<string, Schema> {
  return (parse(readFileSync(`${SPEC_DIR}${file}`, "utf8")) as { components: { schemas: Record<string, Schema> } }).components.schemas;
}

describe("exact requests on the wire", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer((req, res) => {
      const v2 = req.url.startsWith("/api/v2");
      res.setHeader("content-type", "application/json");
      if (req.url.endsWith("/version")) return void res.end(JSON.stringify({ version: v2 ? "3.1.0" : "2.10.5", git_version: null }));
      res.statusCode = 500;
      res.end(JSON.stringify({ detail: "recorded" }));
    });
  });
  afterAll(async () => server?.close());

  for (const [version, file, names] of [
    ["v1", "airflow2-v1.yaml", { trigger: "DAGRun", clear: "ClearTaskInstances", patch: "DAG" }],
    ["v2", "airflow3-v2.yaml", { trigger: "TriggerDAGRunPostBody", clear: "ClearTaskInstancesBody", patch: "DAGPatchBody" }],
  ] as const) {
    it(`${version}: each write is sent once, with a body the spec defines`, async () => {
      const c = createAirflowConnector({ baseUrl: server.url, apiVersion: version, auth: { type: "none" }, limits: { timeoutMs: 5_000, maxBytes: 1 << 20 } });
      server.requests.length = 0;
      await airflowFailure(c.triggerRun!("a b", { conf: { x: 1 }, note: "n" }, signal()));
      await airflowFailure(c.clearFailed!("a b", "run/1", signal()));
      await airflowFailure(c.setPaused!("a b", true, signal()));
      const root = `/api/${version}`;
      expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
        `POST ${root}/dags/a%20b/dagRuns`,
        `POST ${root}/dags/a%20b/clearTaskInstances`,
        `PATCH ${root}/dags/a%20b${version === "v1" ? "?update_mask=is_paused" : ""}`,
      ]);
      const bodies = server.requests.map((r) => JSON.parse(r.body) as Record<string, unknown>);
      expect(bodies[0]).toEqual(version === "v1" ? { conf: { x: 1 }, note: "n" } : { conf: { x: 1 }, logical_date: null, note: "n" });
      expect(bodies[1]).toEqual({ dag_run_id: "run/1", only_failed: true, dry_run: false });
      expect(bodies[2]).toEqual({ is_paused: true });
      const kinds = [names.trigger, names.clear, names.patch];
      const s = haveSpecs ? schemas(file) : {};
      if (haveSpecs) bodies.forEach((b, i) => {
        const schema = s[kinds[i]];
        for (const key of Object.keys(b)) expect(schema.properties, `${kinds[i]}.${key}`).toHaveProperty(key);
        for (const key of schema.required ?? []) if (version === "v2") expect(b, `${kinds[i]} requires ${key}`).toHaveProperty(key);
      });
      expect(server.requests.every((r) => r.headers["content-type"] === "application/json")).toBe(true);
    });
  }
});
