import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as auditGET } from "@/app/api/v1/audit/route";
import { PATCH as dagPATCH } from "@/app/api/v1/environments/[id]/dags/[dagId]/route";
import { POST as clearPOST } from "@/app/api/v1/environments/[id]/dags/[dagId]/runs/[runId]/clear/route";
import { GET as runsGET, POST as runsPOST } from "@/app/api/v1/environments/[id]/dags/[dagId]/runs/route";
import { POST as freezePOST } from "@/app/api/v1/environments/[id]/freeze/route";
import { POST as thawPOST } from "@/app/api/v1/environments/[id]/thaw/route";
import { frozenOf, setFrozen } from "@/lib/monitor/freezes";
import { call, DEPLOY, LOBBY, ORIGIN, params, READER, req, SECRET, startActionsFixture, type ActionsFixture } from "./testing/actions";
import { restoreFreezes } from "./freeze";

/**
 * Actions through the real route handlers, monitor, connectors, simulator and a real SQLite
 * history file, with auth enabled from a configuration file (testing/actions.ts). Upstream writes
 * are counted in the simulator: refused callers must reach none.
 */

let f: ActionsFixture;
let operator: Record<string, string>;
let admin: Record<string, string>;
let viewer: Record<string, string>;
const upstreamWrites = () => f.upstreamWrites();
const activeDag = (env: string) => f.activeDag(env);

const trigger = (env: string, dag: string, headers: Record<string, string>, body: unknown = { conf: { a: 1 }, note: "from a test" }) =>
  call(runsPOST(req(`/api/v1/environments/${env}/dags/${dag}/runs`, "POST", headers, body), params({ id: env, dagId: dag })));
const pause = (env: string, dag: string, headers: Record<string, string>, paused: boolean) =>
  call(dagPATCH(req(`/api/v1/environments/${env}/dags/${dag}`, "PATCH", headers, { paused }), params({ id: env, dagId: dag })));

beforeAll(async () => {
  f = await startActionsFixture();
  ({ operator, admin, viewer } = f);
}, 60_000);

afterAll(async () => {
  await f?.close();
});

describe("actions (contract §12)", () => {
  it("a viewer, a display token, a cross-origin request, a form post and an anonymous request are refused and reach no upstream", async () => {
    const dag = activeDag("ops-a2");
    const before = upstreamWrites();
    const refusals = [
      await trigger("ops-a2", dag, viewer),
      await trigger("ops-a2", dag, { authorization: `Bearer ${LOBBY}` }),
      await trigger("ops-a2", dag, { ...operator, origin: "https://evil.example" }),
      await trigger("ops-a2", dag, { ...operator, "content-type": "application/x-www-form-urlencoded" }),
      await trigger("ops-a2", dag, {}),
      await pause("ops-a2", dag, viewer, true),
    ];
    expect(refusals.map((r) => r.status)).toEqual([403, 403, 403, 403, 401, 403]);
    expect(refusals.map((r) => r.json.error.message)).toEqual([
      expect.stringMatching(/may view this environment but not act/),
      expect.stringMatching(/display tokens are read-only/),
      expect.stringMatching(/cross-origin/),
      expect.stringMatching(/JSON body/),
      expect.stringMatching(/sign in/),
      expect.stringMatching(/may view this environment but not act/),
    ]);
    expect(upstreamWrites()).toBe(before);
  });

  it("API tokens: an operator token acts without Origin within its tags, audited by name; viewer, wrong and foreign tokens reach no upstream", async () => {
    const bot = { authorization: `Bearer ${DEPLOY}`, origin: "" };
    const noOrigin = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).filter(([k]) => k !== "origin"));
    const scripted = (env: string, dag: string, h: Record<string, string>) =>
      call(runsPOST(new Request(`http://localhost/api/v1/environments/${env}/dags/${dag}/runs`, { method: "POST", headers: { "content-type": "application/json", ...noOrigin(h) }, body: "{}" }), params({ id: env, dagId: dag })));
    // Not the DAG the next test triggers: two manual runs in one simulated instant share a run id (409).
    const dag = f.activeDag("ops-a2", true);
    const before = upstreamWrites();
    const refused = [
      await scripted("ops-a2", dag, { authorization: `Bearer ${READER}` }),
      await scripted("ops-a2", dag, { authorization: `Bearer ${DEPLOY.slice(0, -1)}` }),
      await scripted("ro-a2", activeDag("ro-a2"), bot),
      await trigger("ops-a2", dag, { authorization: `Bearer ${DEPLOY}`, origin: "https://evil.example" }),
    ];
    expect(refused.map((r) => [r.status, r.json.error.message])).toEqual([
      [403, expect.stringMatching(/role viewer/)],
      [401, "invalid token"],
      [404, 'no environment with id "ro-a2"'],
      [403, expect.stringMatching(/cross-origin/)],
    ]);
    expect(upstreamWrites()).toBe(before);
    const ok = await scripted("ops-a2", dag, bot);
    expect(ok.status).toBe(201);
    expect(upstreamWrites()).toBe(before + 1);
    const mine = await call(auditGET(req("/api/v1/audit", "GET", noOrigin(bot))));
    expect(mine.status).toBe(200);
    expect(mine.json.entries[0]).toMatchObject({ actor: "deploy-bot", action: "trigger", environmentId: "ops-a2", ok: true });
    expect(new Set((mine.json.entries as { environmentId: string }[]).map((e) => e.environmentId)).has("ro-a2")).toBe(false);
    expect((await call(auditGET(req("/api/v1/audit", "GET", { authorization: `Bearer ${READER}` })))).status).toBe(403);
    for (const r of [...refused, ok, mine]) for (const v of [DEPLOY, READER]) expect(JSON.stringify(r.json)).not.toContain(v);
  });

  it("an operator triggers on Airflow 2 and 3: the new DagRun (201), one upstream call each, audited before and after", async () => {
    for (const env of ["ops-a2", "ops-a3"]) {
      const dag = activeDag(env);
      const before = upstreamWrites();
      const r = await trigger(env, dag, operator);
      expect(r.status).toBe(201);
      expect(r.json).toMatchObject({ dagId: dag, runType: "manual", state: "queued" });
      expect(upstreamWrites()).toBe(before + 1);
      const audit = await call(auditGET(req(`/api/v1/audit?environment=${env}`, "GET", admin)));
      expect(audit.json.entries[0]).toMatchObject({ actor: "op@example.com", action: "trigger", environmentId: env, dagId: dag, runId: r.json.runId, ok: true, httpStatus: 200 });
    }
  });

  it("clears a failed run's failed tasks and pauses/resumes a DAG", async () => {
    const rt = f.monitor.environment("ops-a3")!;
    let target: { dagId: string; runId: string } | null = null;
    for (const d of rt.dags!.keys()) {
      const runs = await call(runsGET(new Request(`http://localhost/api/v1/environments/ops-a3/dags/${d}/runs`, { headers: operator }), params({ id: "ops-a3", dagId: d })));
      const f = (runs.json.runs as { runId: string; state: string }[]).find((x) => x.state === "failed");
      if (f) { target = { dagId: d, runId: f.runId }; break; }
    }
    expect(target).not.toBeNull();
    const { dagId, runId } = target!;
    const cleared = await call(clearPOST(req(`/x`, "POST", operator, { onlyFailed: true }), params({ id: "ops-a3", dagId, runId })));
    expect(cleared).toEqual({ status: 200, json: { cleared: 1 } });
    const dag = activeDag("ops-a2");
    expect((await pause("ops-a2", dag, admin, true)).json).toMatchObject({ dagId: dag, paused: true });
    expect(f.monitor.environment("ops-a2")!.dags!.get(dag)!.paused).toBe(true);
    expect((await pause("ops-a2", dag, operator, false)).json).toMatchObject({ dagId: dag, paused: false });
  });

  it("bad input: invalid conf is 400, unknown DAG and environment 404, all before any upstream call", async () => {
    const before = upstreamWrites();
    expect((await trigger("ops-a2", activeDag("ops-a2"), operator, { conf: [1, 2] })).status).toBe(400);
    expect((await trigger("ops-a2", "no_such_dag", operator)).status).toBe(404);
    expect((await trigger("nope", "x", operator)).status).toBe(404);
    const bad = await call(runsPOST(new Request("http://localhost/x", { method: "POST", headers: { ...operator, origin: ORIGIN, "content-type": "application/json" }, body: "{not json" }), params({ id: "ops-a2", dagId: activeDag("ops-a2") })));
    expect(bad.status).toBe(400);
    expect(upstreamWrites()).toBe(before);
  });

  it("Airflow's Viewer-role refusal is upstream_forbidden naming the role, and audited as failed", async () => {
    const dag = activeDag("ro-a2");
    const r = await trigger("ro-a2", dag, operator);
    expect(r.status).toBe(403);
    expect(r.json.error.code).toBe("upstream_forbidden");
    expect(r.json.error.message).toMatch(/Viewer role/);
    const audit = await call(auditGET(req("/api/v1/audit?environment=ro-a2&limit=5", "GET", admin)));
    expect(audit.json.entries[0]).toMatchObject({ action: "trigger", ok: false, httpStatus: 403 });
    for (const v of [SECRET, LOBBY, ...Object.values(f.sim.processEnv).filter((x) => x.length > 8)]) expect(JSON.stringify(r.json)).not.toContain(v);
  });

  it("the audit log: admins see all, operators their environments, viewers nothing", async () => {
    const all = await call(auditGET(req("/api/v1/audit", "GET", admin)));
    expect(new Set((all.json.entries as { environmentId: string }[]).map((e) => e.environmentId))).toEqual(new Set(["ops-a2", "ops-a3", "ro-a2"]));
    expect((await call(auditGET(req("/api/v1/audit", "GET", operator)))).status).toBe(200);
    expect((await call(auditGET(req("/api/v1/audit", "GET", viewer)))).status).toBe(403);
  });

  it("the audit log filters by action and outcome and pages newest first", async () => {
    const get = async (q: string) => (await call(auditGET(req(`/api/v1/audit?${q}`, "GET", admin)))).json;
    const all = (await get("limit=1000")).entries as { action: string; ok: boolean | null; at: string }[];
    expect(all.map((e) => e.at)).toEqual([...all.map((e) => e.at)].sort().reverse());
    const triggers = (await get("action=trigger&limit=1000")).entries as typeof all;
    expect(triggers.length).toBe(all.filter((e) => e.action === "trigger").length);
    expect((await get("outcome=failed&limit=1000")).entries).toEqual(all.filter((e) => e.ok === false));
    const first = await get("limit=2");
    const second = await get(`limit=2&offset=${first.nextOffset}`);
    expect(first.nextOffset).toBe(2);
    expect([...first.entries, ...second.entries]).toEqual(all.slice(0, 4));
    expect((await get("limit=1000")).nextOffset).toBeNull();
    for (const bad of ["action=delete", "outcome=maybe", "offset=-1"]) expect((await call(auditGET(req(`/api/v1/audit?${bad}`, "GET", admin)))).status).toBe(400);
  });

  it("freeze pauses exactly the unpaused DAGs, survives a restart of the store, and thaw resumes exactly those", async () => {
    const env = "ops-a3";
    const c = f.monitor.connector(env)!;
    const listed = async () => new Map((await c.listDags({ offset: 0, limit: 100 }, AbortSignal.timeout(5000))).items.map((d) => [d.dagId, d.paused]));
    // One DAG paused beforehand by someone: a thaw must leave it paused.
    const prePaused = activeDag(env);
    expect((await pause(env, prePaused, operator, true)).status).toBe(200);
    const before = await listed();
    const unpaused = [...before].filter(([, p]) => !p).map(([id]) => id).sort();
    expect(unpaused.length).toBeGreaterThan(3);

    const post = (h: typeof freezePOST, p: string) => call(h(req(`/api/v1/environments/${env}/${p}`, "POST", operator, {}), params({ id: env })));
    const frozen = await post(freezePOST, "freeze");
    expect(frozen.status).toBe(200);
    expect(frozen.json).toMatchObject({ frozen: true, paused: unpaused, failed: [] });
    expect([...(await listed()).values()].every((p) => p)).toBe(true);
    expect((await post(freezePOST, "freeze")).status).toBe(409);
    // The freeze shows in the published summary at once, not a health poll later.
    expect(f.monitor.environment(env)!.summary.frozen).toMatchObject({ by: "op@example.com", dags: unpaused.length });

    // A restart: a new store on the same file, the registry refilled from it.
    setFrozen(env, null);
    await restoreFreezes(await f.reopenStore());
    expect(frozenOf(env)?.dags).toBe(unpaused.length);

    const thawed = await post(thawPOST, "thaw");
    expect(thawed.json).toMatchObject({ frozen: false, resumed: unpaused, failed: [] });
    const after = await listed();
    expect([...after].filter(([, p]) => !p).map(([id]) => id).sort()).toEqual(unpaused);
    expect(after.get(prePaused)).toBe(true);
    expect(frozenOf(env)).toBeNull();
    expect((await post(thawPOST, "thaw")).status).toBe(409);
    const audit = await call(auditGET(req(`/api/v1/audit?environment=${env}&limit=10`, "GET", admin)));
    expect((audit.json.entries as { action: string; ok: boolean }[]).slice(0, 2)).toEqual([
      expect.objectContaining({ action: "thaw", ok: true }),
      expect.objectContaining({ action: "freeze", ok: true }),
    ]);
  });
});
