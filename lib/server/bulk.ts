import "server-only";
import type { EnvironmentSnapshot } from "@/lib/monitor/snapshot";
import { BadRequest, isValidDagId, json } from "./api";
import { actionCaller, actionTarget, actPermission, attempt, isRefusal, readJsonObject, type ActionContext, type Caller, type Outcome, type Refusal } from "./actions";
import { maySee } from "./access";

/**
 * Bulk actions (issue 15, item 4): one confirmed request acts on many DAGs across environments.
 * Each item goes the single action's way (visibility and operator re-checked for that item, the
 * audit log written before and after, Airflow called once, never retried). `dryRun` answers what
 * would be sent, item by item, without sending anything: the page's confirmation lists exactly
 * that, and the confirmed request names the runs it showed.
 *
 * At most CONCURRENCY calls are in flight. MWAA InvokeRestApi items take one lane of their own:
 * the shared rate limiter (lib/airflow/mwaa/rate-limit.ts) paces them, and one at a time none of
 * them spends its timeout queued behind the others.
 */

export const BULK_ACTIONS = ["clear", "trigger", "pause", "resume"] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];
export const MAX_BULK_ITEMS = 100;
const CONCURRENCY = 4;

export interface BulkItem {
  environmentId: string;
  dagId: string;
  /** For `clear`: the run whose failed tasks re-run; absent = the DAG's latest run, if it failed. */
  runId?: string;
}

export interface BulkResult {
  environmentId: string;
  dagId: string;
  runId: string | null;
  ok: boolean;
  /** The HTTP status the single action would have answered. */
  status: number;
  code?: string;
  /** What happened (or would happen, in a dry run), in words. */
  message: string;
}

interface BulkRequest {
  action: BulkAction;
  items: BulkItem[];
  conf: Record<string, unknown>;
  note: string | null;
  dryRun: boolean;
}

function parse(body: Record<string, unknown>): BulkRequest {
  const action = body.action;
  if (typeof action !== "string" || !(BULK_ACTIONS as readonly string[]).includes(action)) throw new BadRequest(`action must be one of ${BULK_ACTIONS.join(", ")}`);
  const raw = body.items;
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > MAX_BULK_ITEMS) throw new BadRequest(`items must be a list of 1 to ${MAX_BULK_ITEMS} { environmentId, dagId } objects`);
  const seen = new Map<string, number>();
  const items = raw.map((x, i): BulkItem => {
    const it = x as Record<string, unknown> | null;
    if (!it || typeof it !== "object" || typeof it.environmentId !== "string" || typeof it.dagId !== "string") throw new BadRequest(`items[${i}] must be { environmentId, dagId } with string values`);
    if (it.runId !== undefined && (typeof it.runId !== "string" || it.runId.length === 0 || it.runId.length > 250 || /[\u0000-\u001f]/.test(it.runId))) {
      throw new BadRequest(`items[${i}].runId is not a valid Airflow run id`);
    }
    if (it.runId !== undefined && action !== "clear") throw new BadRequest(`items[${i}].runId: only the clear action takes a run`);
    const key = JSON.stringify([it.environmentId, it.dagId]);
    const first = seen.get(key);
    if (first !== undefined) throw new BadRequest(`items[${i}] repeats items[${first}] (${it.dagId} in ${it.environmentId})`);
    seen.set(key, i);
    return { environmentId: it.environmentId, dagId: it.dagId, ...(typeof it.runId === "string" ? { runId: it.runId } : {}) };
  });
  const conf = body.conf ?? {};
  if (conf === null || typeof conf !== "object" || Array.isArray(conf)) throw new BadRequest("conf must be a JSON object");
  if (action !== "trigger" && body.conf !== undefined) throw new BadRequest("conf: only the trigger action takes a conf");
  const note = body.note ?? null;
  if (note !== null && (typeof note !== "string" || note.length > 1000)) throw new BadRequest("note must be a string of at most 1000 characters");
  if (body.dryRun !== undefined && typeof body.dryRun !== "boolean") throw new BadRequest("dryRun must be true or false");
  return { action: action as BulkAction, items, conf: conf as Record<string, unknown>, note: note as string | null, dryRun: body.dryRun === true };
}

/** The run a `clear` item re-runs: the one named, else the DAG's latest finished run if it failed. */
function runFor(env: EnvironmentSnapshot, item: BulkItem): string | Refusal {
  if (item.runId) return item.runId;
  const failing = env.failingDags().find((f) => f.dagId === item.dagId);
  if (!failing) return { status: 409, code: "not_failing", message: `the latest run of ${item.dagId} in ${env.config.name} did not fail: nothing to re-run` };
  return failing.lastRun.runId;
}

const where = (ctx: ActionContext) => ctx.env.config.name;

/** What the item will do, in the words of the confirmation. */
function plan(action: BulkAction, dagId: string, runId: string | null, ctx: ActionContext): string {
  switch (action) {
    case "clear":
      return `Re-run the failed tasks of run ${runId} of ${dagId} in ${where(ctx)}`;
    case "trigger":
      return `Start a new run of ${dagId} in ${where(ctx)}`;
    case "pause":
      return `Pause ${dagId} in ${where(ctx)}`;
    case "resume":
      return `Resume ${dagId} in ${where(ctx)}`;
  }
}

function refusal(item: BulkItem, runId: string | null, r: Refusal): BulkResult {
  return { environmentId: item.environmentId, dagId: item.dagId, runId, ok: false, status: r.status, code: r.code, message: r.message };
}

const CANNOT_ACT = (ctx: ActionContext): Refusal => ({
  status: 501,
  code: "not_supported",
  message: `environment ${ctx.env.id} is read through a channel that cannot act`,
});

async function one(caller: Caller, req: BulkRequest, item: BulkItem): Promise<BulkResult> {
  const ctx = actionTarget(caller, item.environmentId, item.dagId);
  if (isRefusal(ctx)) return refusal(item, item.runId ?? null, ctx);
  const { dagId } = item;
  const c = ctx.connector;
  let runId: string | null = null;
  if (req.action === "clear") {
    const r = runFor(ctx.env, item);
    if (typeof r !== "string") return refusal(item, null, r);
    runId = r;
  }
  const writes = req.action === "clear" ? c.clearFailed : req.action === "trigger" ? c.triggerRun : c.setPaused;
  if (!writes) return refusal(item, runId, CANNOT_ACT(ctx));
  if (req.dryRun) return { environmentId: item.environmentId, dagId, runId, ok: true, status: 200, message: plan(req.action, dagId, runId, ctx) };

  let o: Outcome;
  const detail = { bulk: true };
  switch (req.action) {
    case "clear": {
      const run = runId!;
      o = await attempt(ctx, { action: "clear", dagId, runId: run, detail }, (signal) => c.clearFailed!(dagId, run, signal), {
        body: (n) => ({ cleared: n }),
        describe: (n) => (n === 0 ? `Airflow found no failed tasks to clear in run ${run} of ${dagId} in ${where(ctx)}` : `Airflow cleared ${n} failed task${n === 1 ? "" : "s"} of run ${run} of ${dagId} in ${where(ctx)}; they will run again`),
      });
      break;
    }
    case "trigger":
      o = await attempt(ctx, { action: "trigger", dagId, runId: null, detail: { ...detail, conf: req.conf } }, (signal) => c.triggerRun!(dagId, { conf: req.conf, note: req.note }, signal), {
        status: 201,
        body: (run) => run.runId,
        describe: (run) => `Airflow created run ${run.runId} of ${dagId} in ${where(ctx)} (${run.state})`,
        runIdOf: (run) => run.runId,
      });
      if (o.ok) runId = o.body as string;
      break;
    case "pause":
    case "resume": {
      const paused = req.action === "pause";
      o = await attempt(ctx, { action: req.action, dagId, runId: null, detail }, (signal) => c.setPaused!(dagId, paused, signal), {
        body: (dag) => {
          // Airflow's answer is the DAG as it is now: the cached list shows it at once.
          ctx.monitor.noteDag(ctx.env.id, dag);
          return dag.paused;
        },
        describe: (dag) => `Airflow says ${dagId} in ${where(ctx)} is ${dag.paused ? "paused" : "active"}`,
      });
      break;
    }
  }
  return o.ok
    ? { environmentId: item.environmentId, dagId, runId, ok: true, status: o.status, message: o.message }
    : { environmentId: item.environmentId, dagId, runId, ok: false, status: o.status, code: o.code, message: o.message };
}

/** Runs `fn` over the items, at most `n` at a time, in order of the list. */
async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

function throughInvokeRestApi(caller: Caller, id: string): boolean {
  const t = caller.monitor.environment(id)?.config.target;
  return t?.kind === "mwaa" && t.access === "rest-api";
}

/** `POST /api/v1/actions/bulk` (README, Actions). */
export async function bulk(httpReq: Request): Promise<Response> {
  const caller = await actionCaller(httpReq);
  if (caller instanceof Response) return caller;
  const body = await readJsonObject(httpReq);
  if (body instanceof Response) return body;
  const req = parse(body);
  const results: BulkResult[] = new Array(req.items.length);
  const indexed = req.items.map((item, i) => ({ item, i }));
  const run = async ({ item, i }: { item: BulkItem; i: number }) => void (results[i] = await one(caller, req, item));
  const rest = indexed.filter(({ item }) => throughInvokeRestApi(caller, item.environmentId));
  const direct = indexed.filter(({ item }) => !throughInvokeRestApi(caller, item.environmentId));
  await Promise.all([pool(rest, 1, run), pool(direct, rest.length > 0 ? CONCURRENCY - 1 : CONCURRENCY, run)]);
  const ok = results.filter((r) => r.ok).length;
  const message = req.dryRun
    ? `${ok} of ${results.length} can be done${ok < results.length ? `; ${results.length - ok} will be skipped` : ""}`
    : `${ok} of ${results.length} done${ok < results.length ? `; ${results.length - ok} not done` : ""}`;
  return json({ action: req.action, dryRun: req.dryRun, done: req.dryRun ? 0 : ok, failed: results.length - ok, message, results });
}

/** `GET /api/v1/actions/failing`: the failing DAGs of every environment the caller sees (cached lists only). */
export function failingAcross(access: Caller["access"], environments: readonly EnvironmentSnapshot[]): { items: { environmentId: string; environmentName: string; dagId: string; runId: string; endDate: string | null }[] } {
  const items = [];
  for (const env of environments) {
    if (!maySee(access, env)) continue;
    for (const f of env.failingDags()) {
      if (!isValidDagId(f.dagId)) continue;
      items.push({ environmentId: env.id, environmentName: env.config.name, dagId: f.dagId, runId: f.lastRun.runId, endDate: f.lastRun.endDate });
    }
  }
  return { items };
}

/**
 * `GET /api/v1/actions`: whether the caller may act on at least one environment it sees, else why
 * not. The board shows its bulk panel only then, and the search page its buttons: a wall screen, a
 * viewer or a board with actions off stays calm, with the reason said once.
 */
export function actingScope(caller: Caller): { allowed: boolean; reason: string | null } {
  let reason: string | null = null;
  for (const env of caller.monitor.environments()) {
    if (!maySee(caller.access, env)) continue;
    const d = actPermission(caller.access, env, caller.config);
    if (d.ok && typeof caller.monitor.connector(env.id)?.setPaused === "function") return { allowed: true, reason: null };
    reason ??= d.ok ? "the environments you see are read through a channel that cannot act" : d.reason;
  }
  return { allowed: false, reason: reason ?? "you see no environment to act on" };
}
