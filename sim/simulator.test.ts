import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator } from "./index";
import { basic, bearer, call, FakeClock } from "./testing/helpers";
import type { Simulator } from "./types";

const T0 = Date.parse("2026-03-20T10:00:00Z");

async function jwtFor(sim: Simulator, id: string): Promise<string> {
  const envName = `SIM_${id.toUpperCase().replace(/-/g, "_")}_PASSWORD`;
  const r = await call(`${sim.url(id)}/auth/token`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "monitor", password: sim.processEnv[envName] }) });
  expect(r.status).toBe(201);
  return r.json.access_token;
}

describe("paging, filters and auth", () => {
  const clock = new FakeClock(T0);
  let sim: Simulator;
  let tok = "";
  const h2 = () => basic("monitor", sim.processEnv.SIM_A2_PASSWORD);
  beforeAll(async () => {
    sim = await startSimulator({
      clock,
      environments: [
        { id: "a2", airflowVersion: "2.10.5", scenario: "healthy", dagCount: 130 },
        { id: "a3", airflowVersion: "3.2.0", scenario: "healthy", dagCount: 130, options: { jwtLifetimeS: 600 } },
        { id: "b2", airflowVersion: "2.10.5", scenario: "healthy", auth: "bearer", pathPrefix: "/airflow" },
        { id: "n3", airflowVersion: "3.1.7", scenario: "healthy", auth: "none" },
        { id: "t3", airflowVersion: "3.2.0", scenario: "healthy", auth: "bearer" },
      ],
    });
    tok = await jwtFor(sim, "a3");
  });
  afterAll(() => sim?.close());

  it("caps v1 pages at 100, 0 means the fallback, negative is 400", async () => {
    const u = sim.url("a2");
    expect((await call(`${u}/api/v1/dags`, { headers: h2() })).json.dags).toHaveLength(100);
    const big = await call(`${u}/api/v1/dags?limit=500`, { headers: h2() });
    expect(big.json.dags).toHaveLength(100);
    expect(big.json.total_entries).toBe(130);
    expect((await call(`${u}/api/v1/dags?limit=0`, { headers: h2() })).json.dags).toHaveLength(100);
    expect((await call(`${u}/api/v1/dags?offset=120`, { headers: h2() })).json.dags).toHaveLength(10);
    expect((await call(`${u}/api/v1/dags?limit=-1`, { headers: h2() })).status).toBe(400);
    expect((await call(`${u}/api/v1/dags/~/dagRuns?limit=1000`, { headers: h2() })).json.dag_runs).toHaveLength(100);
    const stale = await call(`${u}/api/v1/dags?only_active=false&limit=1`, { headers: h2() });
    expect(stale.json.total_entries).toBeGreaterThan(130);
  });

  it("v2 pages default to 50, cap at 100, 0 gives an empty page, negative is 422", async () => {
    const u = sim.url("a3");
    expect((await call(`${u}/api/v2/dags`, { headers: bearer(tok) })).json.dags).toHaveLength(50);
    expect((await call(`${u}/api/v2/dags?limit=500`, { headers: bearer(tok) })).json.dags).toHaveLength(100);
    const zero = await call(`${u}/api/v2/dags?limit=0`, { headers: bearer(tok) });
    expect(zero.json).toMatchObject({ dags: [], total_entries: 130 });
    const neg = await call(`${u}/api/v2/dags?limit=-1`, { headers: bearer(tok) });
    expect(neg.status).toBe(422);
    expect(neg.json.detail[0]).toMatchObject({ type: "greater_than_equal", loc: ["query", "limit"] });
    expect((await call(`${u}/api/v2/dags/~/dagRuns?order_by=nope`, { headers: bearer(tok) })).status).toBe(400);
  });

  it("filters DAGs by paused, pattern and tags; ~ lists runs of every DAG", async () => {
    const u = sim.url("a3");
    const all = (await call(`${u}/api/v2/dags?limit=100`, { headers: bearer(tok) })).json;
    const paused = (await call(`${u}/api/v2/dags?paused=true&limit=100`, { headers: bearer(tok) })).json;
    expect(paused.total_entries).toBeGreaterThan(0);
    expect(paused.total_entries).toBeLessThan(40);
    expect(paused.dags.every((d: { is_paused: boolean }) => d.is_paused)).toBe(true);
    const id: string = all.dags[5].dag_id;
    const byPattern = (await call(`${u}/api/v2/dags?dag_id_pattern=${id.toUpperCase()}`, { headers: bearer(tok) })).json;
    expect(byPattern.dags.map((d: { dag_id: string }) => d.dag_id)).toContain(id);
    const tag = all.dags[0].tags[1].name;
    const byTag = (await call(`${u}/api/v2/dags?tags=${tag}&limit=100`, { headers: bearer(tok) })).json;
    expect(byTag.dags.every((d: { tags: { name: string }[] }) => d.tags.some((t) => t.name === tag))).toBe(true);
    const runs = (await call(`${u}/api/v2/dags/~/dagRuns?limit=100&order_by=-start_date`, { headers: bearer(tok) })).json;
    expect(new Set(runs.dag_runs.map((r: { dag_id: string }) => r.dag_id)).size).toBeGreaterThan(5);
    const one = (await call(`${u}/api/v2/dags/${runs.dag_runs[0].dag_id}/dagRuns?order_by=-start_date&limit=3`, { headers: bearer(tok) })).json;
    expect(one.dag_runs.every((r: { dag_id: string }) => r.dag_id === runs.dag_runs[0].dag_id)).toBe(true);
  });

  it("v1 basic auth: 401 with WWW-Authenticate Basic on missing or wrong credentials", async () => {
    const u = sim.url("a2");
    for (const headers of [{}, basic("monitor", "wrong")]) {
      const r = await call(`${u}/api/v1/dags`, { headers });
      expect(r.status).toBe(401);
      expect(r.headers.get("www-authenticate")).toBe("Basic");
      expect(r.json).toMatchObject({ title: "Unauthorized", status: 401 });
      expect(r.text).not.toContain(sim.processEnv.SIM_A2_PASSWORD);
    }
    expect((await call(`${u}/health`)).status).toBe(200);
    expect((await call(`${u}/api/v1/version`)).status).toBe(200);
  });

  it("static bearer tokens and path prefixes", async () => {
    const u = sim.url("b2");
    expect(u).toMatch(/\/airflow$/);
    expect((await call(`${u}/api/v1/dags`, { headers: bearer(sim.processEnv.SIM_B2_TOKEN) })).status).toBe(200);
    expect((await call(`${u}/api/v1/dags`, { headers: bearer("nope") })).status).toBe(401);
    expect((await call(`${u.replace(/\/airflow$/, "")}/health`)).status).toBe(404);
    expect((await call(`${sim.url("t3")}/api/v2/dags`, { headers: bearer(sim.processEnv.SIM_T3_TOKEN) })).status).toBe(200);
    expect((await call(`${sim.url("n3")}/api/v2/dags`)).status).toBe(200);
    expect(sim.config.environments.find((e) => e.id === "b2")).toMatchObject({ airflow: { baseUrl: u, auth: { type: "bearer", tokenEnv: "SIM_B2_TOKEN" } } });
  });

  it("JWTs really expire (10 s leeway), a new token works, and tampered tokens are 403", async () => {
    const u = sim.url("a3");
    const token = await jwtFor(sim, "a3");
    const claims = JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString());
    expect(claims).toMatchObject({ sub: "monitor" });
    expect(claims.exp - claims.iat).toBe(600);
    for (const c of ["jti", "nbf", "iat", "exp"]) expect(claims).toHaveProperty(c);
    clock.advance(605_000);
    expect((await call(`${u}/api/v2/dags?limit=1`, { headers: bearer(token) })).status).toBe(200);
    clock.advance(10_000);
    const expired = await call(`${u}/api/v2/dags?limit=1`, { headers: bearer(token) });
    expect(expired.status).toBe(401);
    expect(expired.json).toEqual({ detail: "Token Expired" });
    const fresh = await jwtFor(sim, "a3");
    expect((await call(`${u}/api/v2/dags?limit=1`, { headers: bearer(fresh) })).status).toBe(200);
    const tampered = `${fresh.slice(0, -4)}AAAA`;
    expect((await call(`${u}/api/v2/dags?limit=1`, { headers: bearer(tampered) })).json).toEqual({ detail: "Invalid JWT token" });
    expect((await call(`${u}/api/v2/dags?limit=1`)).json).toEqual({ detail: "Not authenticated" });
    const form = await call(`${u}/auth/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: `username=monitor&password=${encodeURIComponent(sim.processEnv.SIM_A3_PASSWORD)}` });
    expect(form.status).toBe(201);
    // Airflow 3 legacy paths
    expect((await call(`${u}/health`)).json.error).toMatch(/^Moved in Airflow 3/);
    expect((await call(`${u}/api/v1/dags`)).json.error).toMatch(/\/api\/v1 has been removed/);
  });
});

describe("updated_at_gte is an incremental cursor", () => {
  for (const version of ["2.10.5", "3.2.0"]) {
    it(`returns every run that changed since the cursor (${version})`, async () => {
      const clock = new FakeClock(T0 + 7_777);
      const sim = await startSimulator({ clock, environments: [{ id: "inc", airflowVersion: version, scenario: "healthy", auth: "none", dagCount: 25 }] });
      try {
        const api = `${sim.url("inc")}/api/${version.startsWith("2") ? "v1" : "v2"}`;
        const iso = (ms: number) => new Date(ms).toISOString();
        type Run = { dag_id: string; dag_run_id: string; state: string; start_date: string | null; end_date: string | null };
        const fetchAll = async (query: string) => {
          const out: Run[] = [];
          for (let offset = 0; ; offset += 100) {
            const r = await call(`${api}/dags/~/dagRuns?limit=100&offset=${offset}&${query}`);
            expect(r.status).toBe(200);
            out.push(...r.json.dag_runs);
            if (offset + 100 >= r.json.total_entries) return out;
          }
        };
        const key = (r: Run) => `${r.dag_id}/${r.dag_run_id}`;
        const window = `start_date_gte=${encodeURIComponent(iso(T0 - 6 * 3600_000))}`;
        const before = new Map((await fetchAll(window)).map((r) => [key(r), r]));
        const cursor = clock.now();
        clock.advance(20 * 60_000);
        const after = await fetchAll(window);
        const changed = after.filter((r) => {
          const b = before.get(key(r));
          return !b || b.state !== r.state || b.end_date !== r.end_date || b.start_date !== r.start_date;
        });
        expect(changed.length).toBeGreaterThan(5);
        const incremental = await fetchAll(`updated_at_gte=${encodeURIComponent(iso(cursor))}&order_by=updated_at`);
        const got = new Set(incremental.map(key));
        for (const r of changed) expect(got.has(key(r)), key(r)).toBe(true);
        // and nothing that did not change
        const unchanged = after.filter((r) => !changed.includes(r) && r.state !== "queued");
        for (const r of unchanged) expect(got.has(key(r)), key(r)).toBe(false);
        // a later cursor with no time passing returns nothing
        expect((await call(`${api}/dags/~/dagRuns?updated_at_gte=${encodeURIComponent(iso(clock.now() + 1))}`)).json.total_entries).toBe(0);
      } finally {
        await sim.close();
      }
    });
  }
});
