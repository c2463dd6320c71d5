import type { RunState } from "./env-model";
import { ApiError, type Bounds, currentImportErrors, dagHasImportErrors, filterDags, firstValue, RUN_ORDER_V1, type RouteCtx, routeReads, sortImportErrors, TIME_FILTERS_V1 } from "./api-common";
import { jsonResponse, type Query, type SimResponse } from "./http-util";
import { queryRuns, stateCounts } from "./run-query";
import { parseRfc3339 } from "./time-format";
import { dagV1, importErrorV1, runV1 } from "./wire";

/**
 * Airflow 2 stable REST API (`/api/v1`, connexion): strict query validation (unknown parameter → 400),
 * RFC 7807 problem JSON errors, limit capped at 100 with 0 meaning the fallback of 100.
 */

const MAX_LIMIT = 100;
const FALLBACK_LIMIT = 100;
const STATES: RunState[] = ["queued", "running", "success", "failed"];

export function problem(version: string, status: number, title: string, detail: string | null, headers?: Record<string, string>): SimResponse {
  const name: Record<number, string> = { 400: "BadRequest", 401: "Unauthenticated", 403: "PermissionDenied", 404: "NotFound", 405: "MethodNotAllowed", 409: "AlreadyExists", 500: "Unknown" };
  return {
    status,
    contentType: "application/problem+json",
    headers,
    json: { detail, status, title, type: `https://airflow.apache.org/docs/apache-airflow/${version}/stable-rest-api-ref.html#section/Errors/${name[status] ?? "Unknown"}` },
  };
}

function bad(ctx: RouteCtx, detail: string): ApiError {
  return new ApiError(problem(ctx.spec.airflowVersion, 400, "Bad Request", detail));
}

function checkParams(ctx: RouteCtx, q: Query, allowed: string[]): void {
  const extra = [...q.keys()].filter((k) => !allowed.includes(k));
  if (extra.length) throw bad(ctx, `Extra query parameter(s) ${extra.join(", ")} not in spec`);
}

function intParam(ctx: RouteCtx, q: Query, key: string): number | undefined {
  const v = firstValue(q, key);
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v.trim())) throw bad(ctx, `Wrong type, expected 'integer' for query parameter '${key}'`);
  return parseInt(v, 10);
}

function boolParam(ctx: RouteCtx, q: Query, key: string): boolean | undefined {
  const v = firstValue(q, key);
  if (v === undefined) return undefined;
  if (/^true$/i.test(v)) return true;
  if (/^false$/i.test(v)) return false;
  throw bad(ctx, `Wrong type, expected 'boolean' for query parameter '${key}'`);
}

function page(ctx: RouteCtx, q: Query): { limit: number; offset: number } {
  let limit = intParam(ctx, q, "limit") ?? FALLBACK_LIMIT;
  const offset = intParam(ctx, q, "offset") ?? 0;
  if (offset < 0) throw bad(ctx, `${offset} is less than the minimum of 0`);
  if (limit < 0) throw bad(ctx, "Page limit must be a positive integer");
  if (limit === 0) limit = FALLBACK_LIMIT;
  return { limit: Math.min(limit, MAX_LIMIT), offset };
}

function order(ctx: RouteCtx, q: Query, allowed: string[], dflt: string): { key: string; desc: boolean } {
  const raw = firstValue(q, "order_by") ?? dflt;
  const key = raw.replace(/^-/, "");
  if (!allowed.includes(key)) throw bad(ctx, `Ordering with '${key}' is disallowed or the attribute does not exist on the model`);
  return { key, desc: raw.startsWith("-") };
}

function pickFields(obj: Record<string, unknown>, fields: string[] | undefined): Record<string, unknown> {
  if (!fields?.length) return obj;
  return Object.fromEntries(fields.filter((f) => f in obj).map((f) => [f, obj[f]]));
}

function listDags(ctx: RouteCtx, q: Query): SimResponse {
  checkParams(ctx, q, ["limit", "offset", "order_by", "tags", "only_active", "paused", "fields", "dag_id_pattern"]);
  const { limit, offset } = page(ctx, q);
  const { desc } = order(ctx, q, ["dag_id"], "dag_id");
  const pattern = firstValue(q, "dag_id_pattern");
  let dags = filterDags(ctx.model, {
    includeStale: !(boolParam(ctx, q, "only_active") ?? true),
    paused: boolParam(ctx, q, "paused"),
    tags: q.get("tags"),
    patterns: pattern ? [pattern] : undefined,
  });
  if (desc) dags = [...dags].reverse();
  const fields = q.get("fields");
  return jsonResponse(200, {
    dags: dags.slice(offset, offset + limit).map((d) => pickFields(dagV1(ctx.model, d, ctx.now, dagHasImportErrors(ctx.model, d)), fields)),
    total_entries: dags.length,
  });
}

function dagOr404(ctx: RouteCtx, dagId: string, title: string, detail: string) {
  const d = ctx.model.byId.get(dagId);
  if (!d) throw new ApiError(problem(ctx.spec.airflowVersion, 404, title, detail));
  return d;
}

function getDag(ctx: RouteCtx, q: Query, dagId: string): SimResponse {
  checkParams(ctx, q, ["fields"]);
  const d = dagOr404(ctx, dagId, "DAG not found", `The DAG with dag_id: ${dagId} was not found`);
  return jsonResponse(200, pickFields(dagV1(ctx.model, d, ctx.now, dagHasImportErrors(ctx.model, d)), q.get("fields")));
}

function listRuns(ctx: RouteCtx, q: Query, dagId: string): SimResponse {
  const timeKeys = Object.keys(TIME_FILTERS_V1).flatMap((p) => [`${p}_gte`, `${p}_lte`]);
  checkParams(ctx, q, ["limit", "offset", "state", "order_by", "fields", ...timeKeys]);
  const { limit, offset } = page(ctx, q);
  const bounds: Bounds = {};
  for (const [prefix, field] of Object.entries(TIME_FILTERS_V1)) {
    for (const op of ["gte", "lte"] as const) {
      const raw = firstValue(q, `${prefix}_${op}`);
      if (raw === undefined) continue;
      const ms = parseRfc3339(raw);
      if (ms === null) throw bad(ctx, `'${raw}' is not a 'date-time'`);
      bounds[field] = { ...bounds[field], [op]: ms };
    }
  }
  const { key, desc } = order(ctx, q, Object.keys(RUN_ORDER_V1), "id");
  const dags = dagId === "~" ? ctx.model.dags : [dagOr404(ctx, dagId, "DAG not found", `DAG with dag_id: '${dagId}' not found`)];
  const states = q.get("state");
  const { total, runs } = queryRuns(ctx.model, {
    dags, bounds, states: states ? new Set(states as RunState[]) : undefined,
    order: RUN_ORDER_V1[key], desc, offset, limit, now: ctx.now,
  });
  const fields = q.get("fields");
  return jsonResponse(200, { dag_runs: runs.map((r) => pickFields(runV1(r), fields)), total_entries: total });
}

function listImportErrors(ctx: RouteCtx, q: Query): SimResponse {
  checkParams(ctx, q, ["limit", "offset", "order_by"]);
  const { limit, offset } = page(ctx, q);
  const { key, desc } = order(ctx, q, ["import_error_id", "timestamp", "filename"], "import_error_id");
  const all = sortImportErrors(currentImportErrors(ctx.model), key, desc);
  return jsonResponse(200, { import_errors: all.slice(offset, offset + limit).map(importErrorV1), total_entries: all.length });
}

function dagStats(ctx: RouteCtx, q: Query): SimResponse {
  checkParams(ctx, q, ["dag_ids"]);
  const raw = firstValue(q, "dag_ids");
  if (raw === undefined) throw bad(ctx, "Missing query parameter 'dag_ids'");
  const ids = raw.split(",").map((s) => s.trim()).filter(Boolean);
  const dags = ids.map((id) => {
    const d = ctx.model.byId.get(id);
    const counts = d ? stateCounts(ctx.model, d, ctx.now) : { queued: 0, running: 0, success: 0, failed: 0 };
    return { dag_id: id, stats: STATES.map((state) => ({ state, count: counts[state] })) };
  });
  return jsonResponse(200, { dags, total_entries: dags.length });
}

/** Authenticated `/api/v1` routes; `path` is relative to `/api/v1`. Null when no route matches. */
export function routeV1(ctx: RouteCtx, method: string, path: string, q: Query): SimResponse | null {
  return routeReads(method, path, q, {
    listDags: (q) => listDags(ctx, q),
    getDag: (q, dagId) => getDag(ctx, q, dagId),
    listRuns: (q, dagId) => listRuns(ctx, q, dagId),
    listImportErrors: (q) => listImportErrors(ctx, q),
    dagStats: (q) => dagStats(ctx, q),
  }, () => problem(ctx.spec.airflowVersion, 405, "Method Not Allowed", "The method is not allowed for the requested URL."));
}
