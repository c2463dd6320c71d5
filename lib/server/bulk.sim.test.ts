import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as bulkPOST } from "@/app/api/v1/actions/bulk/route";
import { GET as failingGET } from "@/app/api/v1/actions/failing/route";
import { GET as scopeGET } from "@/app/api/v1/actions/route";
import { GET as auditGET } from "@/app/api/v1/audit/route";
import { GET as envGET } from "@/app/api/v1/environments/[id]/route";
import { call, DEFAULT_ENVIRONMENTS, DEPLOY, LOBBY, ORIGIN, params, READER, req, startActionsFixture, type ActionsFixture } from "./testing/actions";
import type { BulkResult } from "./bulk";

/**
 * Bulk actions through the real route handler, monitor, connectors, simulator (Airflow 2, 3 and
 * MWAA through InvokeRestApi) and a real SQLite audit log. Upstream writes are counted in the
 * simulator: refused callers and dry runs reach none, every confirmed item exactly one.
 */

let f: ActionsFixture;
const H = (h: Record<string, string>) => h;
const bulk = (headers: Record<string, string>, body: unknown) => call(bulkPOST(req("/api/v1/actions/bulk", "POST", headers, body)));
/** InvokeRestApi calls the MWAA control plane received, and how many it throttled. */
const invokes = () => f.sim.stats().byRoute["POST /restapi/{Name}"] ?? 0;
const throttles = () => f.sim.stats().byRoute["MWAA ThrottlingException"] ?? 0;
const allWrites = () => f.upstreamWrites() + invokes();

beforeAll(async () => {
  f = await startActionsFixture([
    ...DEFAULT_ENVIRONMENTS,
    { id: "mw-rest", kind: "mwaa", tags: { team: "ops" }, airflowVersion: "2.10.3", scenario: "failing-dags", dagCount: 14, options: { environmentName: "mw-rest", region: "us-east-1", access: "rest-api" } },
  ]);
}, 90_000);

afterAll(async () => {
  await f?.close();
});

describe("bulk actions (POST /api/v1/actions/bulk)", () => {
  it("refuses viewers, display and viewer tokens, cross-origin and anonymous callers before any upstream call, dry run or not", async () => {
    const failing = (await call(failingGET(req("/api/v1/actions/failing", "GET", f.operator)))).json.items as { environmentId: string; dagId: string }[];
    expect(failing.length).toBeGreaterThan(2);
    const items = failing.slice(0, 3).map(({ environmentId, dagId }) => ({ environmentId, dagId }));
    const before = allWrites();
    const audited = (await call(auditGET(req("/api/v1/audit?limit=1000", "GET", f.admin)))).json.entries.length;
    const answers = [];
    for (const dryRun of [false, true]) {
      for (const h of [f.viewer, { authorization: `Bearer ${LOBBY}` }, { authorization: `Bearer ${READER}` }, { ...f.operator, origin: "https://evil.example" }, { origin: ORIGIN }]) {
        answers.push(await bulk(H(h), { action: "clear", items, dryRun }));
      }
    }
    const statuses = answers.map((a) => a.status);
    // Viewers and read-only tokens get per-item refusals (each item is checked like a single action).
    for (const a of answers.filter((x) => x.status === 200)) expect((a.json.results as BulkResult[]).every((r) => !r.ok && r.status === 403)).toBe(true);
    expect(statuses).toEqual([200, 200, 200, 403, 401, 200, 200, 200, 403, 401]);
    expect(allWrites()).toBe(before);
    expect((await call(auditGET(req("/api/v1/audit?limit=1000", "GET", f.admin)))).json.entries.length).toBe(audited);
  });

  it("GET /api/v1/actions says whether the caller may act anywhere, else why not (the pages hide their controls then)", async () => {
    const scope = async (h: Record<string, string>) => (await call(scopeGET(req("/api/v1/actions", "GET", h)))).json;
    expect(await scope(f.operator)).toEqual({ allowed: true, reason: null });
    expect(await scope({ authorization: `Bearer ${DEPLOY}` })).toEqual({ allowed: true, reason: null });
    expect(await scope(f.viewer)).toEqual({ allowed: false, reason: expect.stringContaining("may view this environment but not act") });
    expect(await scope({ authorization: `Bearer ${LOBBY}` })).toEqual({ allowed: false, reason: "display tokens are read-only" });
    expect(await scope({ authorization: `Bearer ${READER}` })).toEqual({ allowed: false, reason: expect.stringContaining("has role viewer") });
  });

  it("bad input is a 400 naming the problem, with nothing sent", async () => {
    const before = allWrites();
    const item = { environmentId: "ops-a2", dagId: f.activeDag("ops-a2") };
    const cases: [unknown, RegExp][] = [
      [{ action: "delete", items: [item] }, /action must be one of clear, trigger, pause, resume/],
      [{ action: "pause", items: [] }, /items must be a list of 1 to 100/],
      [{ action: "pause", items: Array.from({ length: 101 }, (_, i) => ({ environmentId: "ops-a2", dagId: `d${i}` })) }, /1 to 100/],
      [{ action: "pause", items: [item, item] }, /items\[1\] repeats items\[0\]/],
      [{ action: "pause", items: [{ ...item, runId: "r" }] }, /only the clear action takes a run/],
      [{ action: "trigger", items: [item], conf: "{" }, /conf must be a JSON object/],
      [{ action: "pause", items: [{ environmentId: 1, dagId: "x" }] }, /items\[0\] must be/],
    ];
    for (const [body, msg] of cases) {
      const r = await bulk(f.operator, body);
      expect([r.status, r.json.error.message]).toEqual([400, expect.stringMatching(msg)]);
    }
    const bad = await call(bulkPOST(new Request("http://localhost/api/v1/actions/bulk", { method: "POST", headers: { ...f.operator, origin: ORIGIN, "content-type": "application/json" }, body: "{nope" })));
    expect(bad.status).toBe(400);
    expect(allWrites()).toBe(before);
  });

  it("a dry run says exactly what would happen where; unknown and hidden targets read like reads' 404s; nothing sent", async () => {
    const [a] = (await call(failingGET(req("/x", "GET", f.operator)))).json.items as { environmentId: string; dagId: string; runId: string }[];
    const healthy = f.activeDag("ro-a2");
    const before = allWrites();
    const bot = { authorization: `Bearer ${DEPLOY}` };
    const r = await bulk(bot, {
      action: "clear",
      dryRun: true,
      items: [{ environmentId: a.environmentId, dagId: a.dagId }, { environmentId: "ro-a2", dagId: healthy }, { environmentId: "nope", dagId: "x" }, { environmentId: a.environmentId, dagId: "no_such_dag" }],
    });
    expect(r.status).toBe(200);
    const read404 = (await call(envGET(req("/api/v1/environments/ro-a2", "GET", bot), params({ id: "ro-a2" })))).json.error.message;
    expect(r.json.results).toEqual([
      { environmentId: a.environmentId, dagId: a.dagId, runId: a.runId, ok: true, status: 200, message: expect.stringMatching(new RegExp(`^Re-run the failed tasks of run ${a.runId.replace(/[.+]/g, "\\$&")} of ${a.dagId} in `)) },
      { environmentId: "ro-a2", dagId: healthy, runId: null, ok: false, status: 404, code: "not_found", message: read404 },
      { environmentId: "nope", dagId: "x", runId: null, ok: false, status: 404, code: "not_found", message: 'no environment with id "nope"' },
      { environmentId: a.environmentId, dagId: "no_such_dag", runId: null, ok: false, status: 404, code: "not_found", message: `no DAG "no_such_dag" in environment "${a.environmentId}"` },
    ]);
    expect(r.json.message).toBe("1 of 4 can be done; 3 will be skipped");
    expect(allWrites()).toBe(before);
  });

  it("re-runs failed tasks across Airflow 2, 3 and MWAA in one request: one upstream call per item, each audited", async () => {
    const failing = (await call(failingGET(req("/x", "GET", f.admin)))).json.items as { environmentId: string; dagId: string; runId: string }[];
    const pick = ["ops-a2", "ops-a3", "mw-rest"].map((env) => failing.find((x) => x.environmentId === env)!);
    expect(pick.every(Boolean)).toBe(true);
    const notFailing = { environmentId: "ops-a2", dagId: [...f.monitor.environment("ops-a2")!.dags!.keys()].find((d) => !failing.some((x) => x.dagId === d && x.environmentId === "ops-a2"))! };
    const before = { direct: f.upstreamWrites(), invokes: invokes() };
    const r = await bulk(f.operator, { action: "clear", items: [...pick.map(({ environmentId, dagId, runId }) => ({ environmentId, dagId, runId })), notFailing] });
    expect(r.status).toBe(200);
    const results = r.json.results as BulkResult[];
    expect(results.slice(0, 3).map((x) => [x.environmentId, x.ok, x.runId])).toEqual(pick.map((p) => [p.environmentId, true, p.runId]));
    for (const x of results.slice(0, 3)) expect(x.message).toMatch(/^Airflow (cleared \d+ failed tasks? of run|found no failed tasks)/);
    expect(results[3]).toMatchObject({ ok: false, status: 409, code: "not_failing" });
    expect(r.json.message).toBe("3 of 4 done; 1 not done");
    expect(f.upstreamWrites() - before.direct).toBe(2);
    expect(invokes() - before.invokes).toBe(1);
    const audit = (await call(auditGET(req("/api/v1/audit?limit=20", "GET", f.admin)))).json.entries as { action: string; environmentId: string; runId: string; ok: boolean; actor: string }[];
    for (const p of pick) expect(audit).toContainEqual(expect.objectContaining({ action: "clear", environmentId: p.environmentId, runId: p.runId, ok: true, actor: "op@example.com" }));
  });

  it("pauses and resumes many MWAA DAGs through InvokeRestApi within its rate limit (no throttling), bounded and paced", async () => {
    const dags = [...f.monitor.environment("mw-rest")!.dags!.values()].filter((d) => !d.paused).map((d) => d.dagId).slice(0, 12);
    expect(dags.length).toBe(12);
    const items = dags.map((dagId) => ({ environmentId: "mw-rest", dagId }));
    const before = { invokes: invokes(), throttles: throttles() };
    const t0 = performance.now();
    const paused = await bulk(f.operator, { action: "pause", items });
    const elapsed = performance.now() - t0;
    expect(paused.json.results.map((x: BulkResult) => x.ok)).toEqual(dags.map(() => true));
    // Each answer shows in the published DAG list at once, before the next poll.
    const after = f.monitor.environment("mw-rest")!;
    expect(dags.every((d) => after.dags!.get(d)!.paused)).toBe(true);
    const resumed = await bulk(f.operator, { action: "resume", items });
    expect(resumed.json.message).toBe("12 of 12 done");
    expect(invokes() - before.invokes).toBe(24);
    expect(throttles()).toBe(before.throttles);
    // 8 calls a second at most: 12 calls cannot start within less than 11 intervals of 125 ms.
    expect(elapsed).toBeGreaterThanOrEqual(11 * 125 - 50);
  }, 30_000);
});
