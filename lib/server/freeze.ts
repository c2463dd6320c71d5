import "server-only";
import { isAirflowError } from "@/lib/airflow/errors";
import type { Dag } from "@/lib/airflow/types";
import { setFrozen } from "@/lib/monitor/freezes";
import type { HistoryStore } from "@/lib/store/index";
import { actionError, type ActionContext } from "./actions";
import { apiError, json } from "./api";

/**
 * Freeze and thaw an environment (issue 15, item 5). A freeze pauses every DAG that is unpaused
 * now and records exactly that set before the first pause is sent, so a crash mid-freeze still
 * leaves the record; a thaw resumes exactly the recorded set, never the DAGs that were paused
 * before. Records live in the history database and survive restarts.
 */

const CONCURRENCY = 4;

async function eachBounded<T>(items: T[], fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
}

/** Every listed DAG, read fresh from Airflow: the cached list may be a cycle old. */
async function allDags(ctx: ActionContext, signal: AbortSignal): Promise<Dag[]> {
  const out: Dag[] = [];
  for (let offset = 0; ; offset += 100) {
    const page = await ctx.connector.listDags({ offset, limit: 100 }, signal);
    out.push(...page.items);
    if (page.items.length === 0 || out.length >= page.total) return out;
  }
}

interface Failure {
  dagId: string;
  code: string;
  message: string;
}

/** Pauses (or resumes) each DAG once; failures are collected, never retried. */
async function setAll(ctx: ActionContext, dagIds: string[], paused: boolean): Promise<{ done: string[]; failed: Failure[] }> {
  const done: string[] = [];
  const failed: Failure[] = [];
  await eachBounded(dagIds, async (dagId) => {
    try {
      const dag = await ctx.connector.setPaused!(dagId, paused, AbortSignal.timeout(ctx.timeoutMs));
      ctx.monitor.noteDag(ctx.env.id, dag);
      done.push(dagId);
    } catch (e) {
      // A DAG deleted since the freeze has nothing left to resume.
      if (!paused && isAirflowError(e) && e.kind === "not_found") return void done.push(dagId);
      const err = actionError(e, ctx.env.id);
      failed.push({ dagId, code: err.code, message: err.message });
    }
  });
  return { done: done.sort(), failed };
}

export async function freeze(ctx: ActionContext): Promise<Response> {
  if (!ctx.connector.setPaused) return apiError(501, "not_supported", `environment ${ctx.env.id} is read through a channel that cannot act`);
  const env = ctx.env.id;
  const existing = (await ctx.store.freezes()).find((f) => f.environmentId === env);
  if (existing) return apiError(409, "conflict", `environment ${env} is already frozen (since ${new Date(existing.frozenAt).toISOString()} by ${existing.frozenBy}); thaw it first`);
  let dags: Dag[];
  try {
    dags = await allDags(ctx, AbortSignal.timeout(ctx.timeoutMs * 3));
  } catch (e) {
    const err = actionError(e, env);
    return apiError(err.status, err.code, `could not list the DAGs to freeze: ${err.message}`);
  }
  const toPause = dags.filter((d) => !d.paused).map((d) => d.dagId).sort();
  const at = Date.now();
  const entry = await ctx.store.intent({ at, actor: ctx.actor, action: "freeze", environmentId: env, dagId: null, runId: null, detail: { dags: toPause } });
  await ctx.store.saveFreeze({ environmentId: env, dagIds: toPause, frozenAt: at, frozenBy: ctx.actor });
  setFrozen(env, { since: new Date(at).toISOString(), by: ctx.actor, dags: toPause.length });
  // The board shows the freeze now, not a health poll later.
  ctx.monitor.refresh(env);
  const { done, failed } = await setAll(ctx, toPause, true);
  const message = `paused ${done.length} of ${toPause.length} unpaused DAGs${failed.length ? `; ${failed.length} failed (${failed.map((f) => f.dagId).join(", ").slice(0, 500)})` : ""}`;
  await ctx.store.outcome(entry, { at: Date.now(), ok: failed.length === 0, httpStatus: failed.length ? null : 200, message }).catch(() => undefined);
  return json({ frozen: true, paused: done, failed, message });
}

export async function thaw(ctx: ActionContext): Promise<Response> {
  if (!ctx.connector.setPaused) return apiError(501, "not_supported", `environment ${ctx.env.id} is read through a channel that cannot act`);
  const env = ctx.env.id;
  const record = (await ctx.store.freezes()).find((f) => f.environmentId === env);
  if (!record) return apiError(409, "conflict", `environment ${env} is not frozen`);
  const entry = await ctx.store.intent({ at: Date.now(), actor: ctx.actor, action: "thaw", environmentId: env, dagId: null, runId: null, detail: { dags: record.dagIds } });
  const { done, failed } = await setAll(ctx, record.dagIds, false);
  if (failed.length === 0) {
    await ctx.store.deleteFreeze(env);
    setFrozen(env, null);
  } else {
    // Keep what could not be resumed, so the next thaw resumes exactly those.
    const left = failed.map((f) => f.dagId).sort();
    await ctx.store.saveFreeze({ ...record, dagIds: left });
    setFrozen(env, { since: new Date(record.frozenAt).toISOString(), by: record.frozenBy, dags: left.length });
  }
  ctx.monitor.refresh(env);
  const message = `resumed ${done.length} of ${record.dagIds.length} DAGs the freeze paused${failed.length ? `; ${failed.length} failed and stay recorded` : ""}`;
  await ctx.store.outcome(entry, { at: Date.now(), ok: failed.length === 0, httpStatus: failed.length ? null : 200, message }).catch(() => undefined);
  return json({ frozen: failed.length > 0, resumed: done, failed, message });
}

/** At start: the board shows frozen environments from the first request. */
export async function restoreFreezes(store: HistoryStore): Promise<void> {
  for (const f of await store.actionStore().freezes()) {
    setFrozen(f.environmentId, { since: new Date(f.frozenAt).toISOString(), by: f.frozenBy, dags: f.dagIds.length });
  }
}
