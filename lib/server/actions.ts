import "server-only";
import { isAirflowError } from "@/lib/airflow/errors";
import type { Connector } from "@/lib/airflow/types";
import { bearerOf } from "@/lib/auth/identify";
import { mayAct, type ActDecision } from "@/lib/auth/operators";
import type { AuthConfig, FlightboardConfig } from "@/lib/config/types";
import type { FleetMonitor } from "@/lib/monitor/monitor";
import type { EnvironmentSnapshot } from "@/lib/monitor/snapshot";
import type { SqlActionStore } from "@/lib/store/action-store";
import { apiError, isValidDagId, json } from "./api";
import { apiAccess, visibleTo, type Access } from "./access";
import { getFleet, type FleetRuntime } from "./fleet";
import { history } from "./history";

/**
 * The path every action takes (contract §12): the caller is checked on the server (session, same
 * origin, JSON, visibility, operator), the intent is written to the audit log, Airflow is called
 * once through the environment's connector, and its answer is written next to the intent. An
 * action is never retried: after a timeout it may have happened, so the answer says to look.
 */

/** Every action the audit log records. */
export const ACTION_NAMES = ["trigger", "clear", "pause", "resume", "freeze", "thaw"] as const;
export type ActionName = (typeof ACTION_NAMES)[number];

export interface ActionContext {
  access: Access;
  actor: string;
  env: EnvironmentSnapshot;
  /** Where an action's outcome goes at once (the DAG Airflow answered, a freeze), before the next poll. */
  monitor: FleetMonitor;
  connector: Connector;
  store: SqlActionStore;
  body: Record<string, unknown>;
  timeoutMs: number;
}

/** Same-origin JSON only: a form post or a cross-site page can never act with someone's cookie. */
function browserCheck(req: Request, auth: AuthConfig | undefined): Response | null {
  const type = (req.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (type !== "application/json") return apiError(403, "forbidden", "actions need a JSON body (Content-Type: application/json)");
  const origin = req.headers.get("origin");
  if (origin === null) {
    // Scripts send none; a browser always does on a POST/PATCH, and cannot add Authorization cross-site.
    if (bearerOf(req.headers.get("authorization")) !== undefined) return null;
    return apiError(403, "forbidden", "actions from a browser need a same-origin Origin header");
  }
  let own: string | null = null;
  try {
    own = auth?.url ? new URL(auth.url).origin : null;
  } catch {
    own = null;
  }
  if (own === null || origin !== own) return apiError(403, "forbidden", "cross-origin actions are refused");
  return null;
}

/** Whether this caller may act on this (visible) environment, and why not. */
export function actPermission(access: Access, env: EnvironmentSnapshot, config: FlightboardConfig): ActDecision {
  const id = env.id;
  const rule = access.policy.environmentAccess.has(id) ? access.policy.environmentAccess.get(id) : env.config.access;
  return mayAct(config.actions?.enabled === true, access.policy.auth, access.viewer, rule);
}

/** An action refused before anything was sent (the same words as a single action's error answer). */
export interface Refusal {
  status: number;
  code: string;
  message: string;
}

/** The authenticated caller of an action, after the browser checks. */
export interface Caller {
  access: Access;
  monitor: FleetRuntime["monitor"];
  config: FlightboardConfig;
}

/** Authenticates the caller and applies the browser rules (JSON, same origin or Bearer). */
export async function actionCaller(req: Request): Promise<Caller | Response> {
  const access = await apiAccess(req);
  if (access instanceof Response) return access;
  const refused = browserCheck(req, access.policy.auth);
  if (refused) return refused;
  const { monitor, config } = await getFleet();
  return { access, monitor, config };
}

/**
 * Checks one target of an action for this caller: environment and DAG visible and known (404 as
 * reads), the caller an operator there, the audit log available. Nothing is sent upstream.
 */
export function actionTarget(caller: Caller, id: string, dagId: string | null, body: Record<string, unknown> = {}): ActionContext | Refusal {
  const { access, monitor, config } = caller;
  const env = visibleTo(access, monitor.environment(id));
  const connector = monitor.connector(id);
  if (!env || !connector) return { status: 404, code: "not_found", message: `no environment with id "${id.slice(0, 80)}"` };
  if (dagId !== null && (!isValidDagId(dagId) || (env.dags && !env.dags.has(dagId)))) {
    return { status: 404, code: "not_found", message: `no DAG "${dagId.slice(0, 250)}" in environment "${id}"` };
  }
  const decision = actPermission(access, env, config);
  if (!decision.ok) return { status: 403, code: "forbidden", message: decision.reason };
  const store = history()?.actionStore();
  if (!store) return { status: 503, code: "unavailable", message: "actions need the audit log, and history is off; see the server's log" };
  return { access, actor: decision.actor, env, monitor, connector, store, body, timeoutMs: config.timeoutSeconds * 1000 };
}

export function isRefusal(x: ActionContext | Refusal): x is Refusal {
  return "code" in x && !("env" in x);
}

/** The JSON object body of an action, or the 400 to answer. */
export async function readJsonObject(req: Request): Promise<Record<string, unknown> | Response> {
  let body: unknown;
  try {
    const text = await req.text();
    body = text.trim() ? JSON.parse(text) : {};
  } catch {
    return apiError(400, "bad_request", "the body is not valid JSON");
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) return apiError(400, "bad_request", "the body must be a JSON object");
  return body as Record<string, unknown>;
}

/** Checks the caller for an action on environment `id` (and DAG `dagId`); the context or the refusal. */
export async function actionContext(req: Request, id: string, dagId: string | null): Promise<ActionContext | Response> {
  const caller = await actionCaller(req);
  if (caller instanceof Response) return caller;
  const target = actionTarget(caller, id, dagId);
  if (isRefusal(target)) return apiError(target.status, target.code, target.message);
  const body = await readJsonObject(req);
  if (body instanceof Response) return body;
  return { ...target, body };
}

/** What an Airflow refusal means for the caller, in contract §12's terms. */
export function actionError(e: unknown, env: string): { status: number; code: string; message: string; httpStatus: number | null } {
  if (!isAirflowError(e)) return { status: 500, code: "internal", message: "internal error", httpStatus: null };
  const hs = e.httpStatus;
  if (e.kind === "not_found") return { status: 404, code: "not_found", message: e.message, httpStatus: hs };
  if (e.kind === "auth" && hs === 403) {
    return {
      status: 403,
      code: "upstream_forbidden",
      message: `Airflow in ${env} refused: the credentials Flightboard uses lack an Airflow role that may change DAGs (User, Op or Admin; the Viewer role only reads) (${e.message})`,
      httpStatus: hs,
    };
  }
  if (e.kind === "timeout") {
    return { status: 504, code: "timeout", message: `${e.message}; the action may still have happened in Airflow and was not retried: check there before trying again`, httpStatus: null };
  }
  if (hs === 409) return { status: 409, code: "conflict", message: e.message, httpStatus: hs };
  if (hs === 400 || hs === 422) return { status: 400, code: "upstream_rejected", message: e.message, httpStatus: hs };
  if (e.kind === "throttled") return { status: 429, code: "throttled", message: e.message, httpStatus: hs };
  return { status: 502, code: e.kind, message: `the environment did not answer: ${e.message}`, httpStatus: hs };
}

export interface Performed<T> {
  /** Airflow's answer turned into the response body. */
  body: (value: T) => unknown;
  status?: number;
  /** The outcome text for the audit log. */
  describe: (value: T) => string;
  runIdOf?: (value: T) => string | null;
}

/** What one action came to: the answer's status and body, or the refusal. */
export type Outcome = { ok: true; status: number; body: unknown; message: string } | ({ ok: false } & Refusal);

/** Audits, calls once with the configured timeout, audits the answer; never throws. */
export async function attempt<T>(
  ctx: ActionContext,
  what: { action: ActionName; dagId: string | null; runId: string | null; detail?: Record<string, unknown> },
  call: (signal: AbortSignal) => Promise<T>,
  done: Performed<T>,
): Promise<Outcome> {
  const env = ctx.env.id;
  let entry: string;
  try {
    entry = await ctx.store.intent({ at: Date.now(), actor: ctx.actor, action: what.action, environmentId: env, dagId: what.dagId, runId: what.runId, detail: what.detail });
  } catch {
    // No audit record, no action.
    return { ok: false, status: 503, code: "unavailable", message: "the audit log could not be written; nothing was sent to Airflow" };
  }
  try {
    const value = await call(AbortSignal.timeout(ctx.timeoutMs));
    const message = done.describe(value);
    await ctx.store.outcome(entry, { at: Date.now(), ok: true, httpStatus: 200, message, runId: done.runIdOf?.(value) ?? null }).catch(() => undefined);
    return { ok: true, status: done.status ?? 200, body: done.body(value), message };
  } catch (e) {
    const err = actionError(e, env);
    await ctx.store.outcome(entry, { at: Date.now(), ok: false, httpStatus: err.httpStatus, message: `${err.code}: ${err.message}` }).catch(() => undefined);
    return { ok: false, status: err.status, code: err.code, message: err.message };
  }
}

/** Audits, calls once with the configured timeout, audits the answer, and answers the caller. */
export async function perform<T>(...args: Parameters<typeof attempt<T>>): Promise<Response> {
  const o = await attempt(...args);
  return o.ok ? json(o.body, o.status) : apiError(o.status, o.code, o.message);
}

/** The connector's write, or the refusal when this access cannot write (the MWAA CLI). */
export function writer<K extends "triggerRun" | "clearFailed" | "setPaused">(ctx: ActionContext, key: K): NonNullable<Connector[K]> | Response {
  const fn = ctx.connector[key];
  if (!fn) return apiError(501, "not_supported", `environment ${ctx.env.id} is read through a channel that cannot act`);
  return fn.bind(ctx.connector) as NonNullable<Connector[K]>;
}
