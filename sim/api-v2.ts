import type { RunState } from "./env-model";
import { ApiError, type Bounds, currentImportErrors, dagHasImportErrors, filterDags, firstValue, RUN_ORDER_V2, type RouteCtx, routeReads, sortImportErrors, TIME_FILTERS_V2 } from "./api-common";
import { jsonResponse, type Query, type SimResponse } from "./http-util";
import { queryRuns, stateCounts } from "./run-query";
import { parseLenient } from "./time-format";
import { dagV2, importErrorV2, runV2 } from "./wire";

/**
 * Airflow 3 public REST API (`/api/v2`, FastAPI): 422 validation errors collected per parameter,
 * `{"detail": ...}` errors, limit default 50 and capped at 100 (0 gives an empty page).
 */

const MAX_LIMIT = 100;
const STATES: RunState[] = ["queued", "running", "success", "failed"];

interface VErr { type: string; loc: (string | number)[]; msg: string; input: unknown; ctx?: Record<string, unknown> }

/** Collects validation errors like pydantic and throws them together as a 422. */
class Params {
  errors: VErr[] = [];
  constructor(private q: Query) {}
  int(key: string, dflt: number, min?: number): number {
    const v = firstValue(this.q, key);
    if (v === undefined) return dflt;
    if (!/^\s*[+-]?\d+\s*$/.test(v)) {
      this.errors.push({ type: "int_parsing", loc: ["query", key], msg: "Input should be a valid integer, unable to parse string as an integer", input: v });
      return dflt;
    }
    const n = parseInt(v, 10);
    if (min !== undefined && n < min) {
      this.errors.push({ type: "greater_than_equal", loc: ["query", key], msg: `Input should be greater than or equal to ${min}`, input: v, ctx: { ge: min } });
      return dflt;
    }
    return n;
  }
  bool(key: string): boolean | undefined {
    const v = firstValue(this.q, key);
    if (v === undefined) return undefined;
    const s = v.trim().toLowerCase();
    if (["true", "1", "yes", "on", "t", "y"].includes(s)) return true;
    if (["false", "0", "no", "off", "f", "n"].includes(s)) return false;
    this.errors.push({ type: "bool_parsing", loc: ["query", key], msg: "Input should be a valid boolean, unable to interpret input", input: v });
    return undefined;
  }
  date(key: string): number | undefined {
    const v = firstValue(this.q, key);
    if (v === undefined) return undefined;
    const ms = parseLenient(v);
    if (ms === null) {
      this.errors.push({ type: "datetime_from_date_parsing", loc: ["query", key], msg: "Input should be a valid datetime or date, invalid character in year", input: v });
      return undefined;
    }
    return ms;
  }
  list(key: string): string[] | undefined {
    return this.q.get(key);
  }
  done(): void {
    if (this.errors.length) throw new ApiError(jsonResponse(422, { detail: this.errors }));
  }
}

function page(p: Params): { limit: number; offset: number } {
  const limit = p.int("limit", 50, 0);
  const offset = p.int("offset", 0, 0);
  return { limit: Math.min(limit, MAX_LIMIT), offset };
}

function orderBy(p: Params, allowed: string[], dflt: string): { key: string; desc: boolean } {
  const raw = p.list("order_by")?.[0] ?? dflt;
  const key = raw.replace(/^-/, "");
  if (!allowed.includes(key)) {
    throw new ApiError(jsonResponse(400, { detail: `Ordering with '${key}' is disallowed or the attribute does not exist on the model` }));
  }
  return { key, desc: raw.startsWith("-") };
}

function splitPattern(p: string | undefined): string[] | undefined {
  return p ? p.split("|").map((s) => s.trim()).filter(Boolean) : undefined;
}

function listDags(ctx: RouteCtx, q: Query): SimResponse {
  const p = new Params(q);
  const { limit, offset } = page(p);
  const paused = p.bool("paused");
  const excludeStale = p.bool("exclude_stale") ?? true;
  const hasImportErrors = p.bool("has_import_errors");
  p.done();
  const { key, desc } = orderBy(p, ["dag_id", "dag_display_name", "next_dagrun", "state", "start_date", "last_run_state", "last_run_start_date"], "dag_id");
  let dags = filterDags(ctx.model, {
    includeStale: !excludeStale,
    paused,
    tags: p.list("tags"),
    tagsAll: firstValue(q, "tags_match_mode") === "all",
    owners: p.list("owners"),
    patterns: splitPattern(firstValue(q, "dag_id_pattern") ?? firstValue(q, "dag_display_name_pattern")),
  });
  if (hasImportErrors !== undefined) dags = dags.filter((d) => dagHasImportErrors(ctx.model, d) === hasImportErrors);
  if (key === "next_dagrun") {
    const next = (i: number) => ctx.model.slot(ctx.model.dags[i], ctx.model.nextK(ctx.model.dags[i], ctx.now));
    dags = [...dags].sort((a, b) => next(a.index) - next(b.index) || a.index - b.index);
  }
  if (desc) dags = [...dags].reverse();
  return jsonResponse(200, {
    dags: dags.slice(offset, offset + limit).map((d) => dagV2(ctx.model, d, ctx.now, dagHasImportErrors(ctx.model, d))),
    total_entries: dags.length,
  });
}

function getDag(ctx: RouteCtx, dagId: string): SimResponse {
  const d = ctx.model.byId.get(dagId);
  if (!d) return jsonResponse(404, { detail: `Dag with id ${dagId} was not found` });
  return jsonResponse(200, dagV2(ctx.model, d, ctx.now, dagHasImportErrors(ctx.model, d)));
}

function listRuns(ctx: RouteCtx, q: Query, dagId: string): SimResponse {
  const p = new Params(q);
  const { limit, offset } = page(p);
  const bounds: Bounds = {};
  for (const [prefix, field] of Object.entries(TIME_FILTERS_V2)) {
    for (const op of ["gte", "gt", "lte", "lt"] as const) {
      const ms = p.date(`${prefix}_${op}`);
      if (ms !== undefined) bounds[field] = { ...bounds[field], [op]: ms };
    }
  }
  p.done();
  const states = p.list("state");
  if (states?.some((s) => !STATES.includes(s as RunState))) {
    throw new ApiError(jsonResponse(422, { detail: `Invalid value for state. Valid values are ${STATES.join(", ")}` }));
  }
  const { key, desc } = orderBy(p, Object.keys(RUN_ORDER_V2), "id");
  let dags = ctx.model.dags;
  if (dagId !== "~") {
    const d = ctx.model.byId.get(dagId);
    if (!d) return jsonResponse(404, { detail: `The Dag with ID: \`${dagId}\` was not found` });
    dags = [d];
  }
  const pattern = splitPattern(firstValue(q, "dag_id_pattern"));
  if (pattern) dags = filterDags(ctx.model, { includeStale: true, patterns: pattern }).filter((d) => dags.includes(d));
  const runTypes = p.list("run_type");
  if (runTypes && !runTypes.includes("scheduled")) dags = [];
  const { total, runs } = queryRuns(ctx.model, {
    dags, bounds, states: states ? new Set(states as RunState[]) : undefined,
    order: RUN_ORDER_V2[key], desc, offset, limit, now: ctx.now,
  });
  return jsonResponse(200, { dag_runs: runs.map((r) => runV2(ctx.model, r)), total_entries: total });
}

function listImportErrors(ctx: RouteCtx, q: Query): SimResponse {
  const p = new Params(q);
  const { limit, offset } = page(p);
  p.done();
  const { key, desc } = orderBy(p, ["id", "timestamp", "filename", "bundle_name", "stacktrace", "import_error_id"], "id");
  let all = sortImportErrors(currentImportErrors(ctx.model), key, desc);
  const pattern = splitPattern(firstValue(q, "filename_pattern"));
  if (pattern) all = all.filter((e) => pattern.some((s) => e.fileRel.toLowerCase().includes(s.replace(/%/g, "").toLowerCase())));
  return jsonResponse(200, { import_errors: all.slice(offset, offset + limit).map(importErrorV2), total_entries: all.length });
}

function dagStats(ctx: RouteCtx, q: Query): SimResponse {
  const ids = q.get("dag_ids");
  const dags = ids ? ids.map((id) => ctx.model.byId.get(id)).filter((d) => d !== undefined) : ctx.model.dags;
  const out = [];
  for (const d of dags) {
    const c = stateCounts(ctx.model, d, ctx.now);
    // Only DAGs that have runs appear (routes/public/dag_stats.py).
    if (c.queued + c.running + c.success + c.failed === 0) continue;
    out.push({ dag_id: d.dagId, dag_display_name: d.dagId, stats: STATES.map((state) => ({ state, count: c[state] })) });
  }
  return jsonResponse(200, { dags: out, total_entries: out.length });
}

/** Authenticated `/api/v2` routes; `path` is relative to `/api/v2`. Null when no route matches. */
export function routeV2(ctx: RouteCtx, method: string, path: string, q: Query): SimResponse | null {
  return routeReads(method, path, q, {
    listDags: (q) => listDags(ctx, q),
    getDag: (_q, dagId) => getDag(ctx, dagId),
    listRuns: (q, dagId) => listRuns(ctx, q, dagId),
    listImportErrors: (q) => listImportErrors(ctx, q),
    dagStats: (q) => dagStats(ctx, q),
  }, () => jsonResponse(405, { detail: "Method Not Allowed" }));
}
