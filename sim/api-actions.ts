import { dagHasImportErrors, type RouteCtx } from "./api-common";
import { problem } from "./api-v1";
import type { DagDef } from "./dag-model";
import type { RunRec } from "./env-model";
import { jsonResponse, type Query, type SimResponse } from "./http-util";
import { isoV1, isoV2 } from "./time-format";
import { dagV1, dagV2, runId } from "./wire";

/**
 * The write endpoints Flightboard's actions use, per API version, with Airflow's own refusals:
 * trigger (`POST /dags/{id}/dagRuns`), clear (`POST /dags/{id}/clearTaskInstances`) and pause
 * (`PATCH /dags/{id}`). Credentials with only the Viewer role (`options.role: "Viewer"`) get 403
 * like Airflow's permission check, before anything is looked up.
 */

/** A run created through the API; kept per environment so a duplicate run id answers 409. */
interface ManualRun {
  dagId: string;
  runId: string;
  logical: number | null;
  queued: number;
  conf: Record<string, unknown>;
  note: string | null;
}

const manualRuns = new WeakMap<RouteCtx["model"], Map<string, ManualRun>>();
const TASK_ID = "main";

function manualOf(ctx: RouteCtx): Map<string, ManualRun> {
  let m = manualRuns.get(ctx.model);
  if (!m) manualRuns.set(ctx.model, (m = new Map()));
  return m;
}

/** Manual runs queue, run after 5 s and succeed after 60 s (the simulator has no scheduler). */
function manualState(r: ManualRun, now: number): { state: string; start: number | null; end: number | null } {
  if (now < r.queued + 5_000) return { state: "queued", start: null, end: null };
  if (now < r.queued + 60_000) return { state: "running", start: r.queued + 5_000, end: null };
  return { state: "success", start: r.queued + 5_000, end: r.queued + 60_000 };
}

function manualV1(r: ManualRun, now: number) {
  const s = manualState(r, now);
  const logical = isoV1(r.logical ?? r.queued);
  return {
    dag_run_id: r.runId, dag_id: r.dagId, logical_date: logical, execution_date: logical,
    start_date: s.start === null ? null : isoV1(s.start), end_date: s.end === null ? null : isoV1(s.end),
    data_interval_start: logical, data_interval_end: logical, last_scheduling_decision: null,
    run_type: "manual", state: s.state, external_trigger: true, conf: r.conf, note: r.note,
  };
}

function manualV2(r: ManualRun, now: number) {
  const s = manualState(r, now);
  return {
    dag_run_id: r.runId, dag_id: r.dagId, logical_date: r.logical === null ? null : isoV2(r.logical),
    queued_at: isoV2(r.queued), start_date: s.start === null ? null : isoV2(s.start),
    end_date: s.end === null ? null : isoV2(s.end), duration: s.start !== null && s.end !== null ? (s.end - s.start) / 1000 : null,
    data_interval_start: r.logical === null ? null : isoV2(r.logical), data_interval_end: r.logical === null ? null : isoV2(r.logical),
    run_after: isoV2(r.queued), last_scheduling_decision: null, run_type: "manual", state: s.state,
    triggered_by: "rest_api", triggering_user_name: "monitor", conf: r.conf, note: r.note, dag_versions: [],
    bundle_version: null, dag_display_name: r.dagId, partition_key: null,
  };
}

/** A scheduled run by its `scheduled__<logical>` id, if it exists now. */
function scheduledRun(ctx: RouteCtx, d: DagDef, id: string): RunRec | null {
  const m = /^scheduled__(.+)$/.exec(id);
  const logical = m ? Date.parse(m[1]) : NaN;
  if (!Number.isFinite(logical)) return null;
  const k = (logical + d.schedule.periodMs - d.schedule.phaseMs) / d.schedule.periodMs;
  if (!Number.isInteger(k) || k < ctx.model.kFirst(d) || k > ctx.model.kLast(d, ctx.now)) return null;
  const r = ctx.model.run(d, k, ctx.now);
  return runId(r) === id ? r : null;
}

type Body = Record<string, unknown>;
type Refuse = (status: number, title: string, detail: string) => SimResponse;

interface Version {
  major: 2 | 3;
  refuse: Refuse;
  /** Body validation failure (v1: 400 problem; v2: 422 pydantic list). */
  invalid(field: string, type: string, msg: string, input: unknown): SimResponse;
  allowed: { trigger: string[]; clear: string[]; patch: string[] };
}

function version(ctx: RouteCtx, major: 2 | 3): Version {
  if (major === 2) {
    return {
      major,
      refuse: (status, title, detail) => problem(ctx.spec.airflowVersion, status, title, detail),
      invalid: (field, _type, msg) => problem(ctx.spec.airflowVersion, 400, "Bad Request", `{'${field}': ['${msg}']}`),
      allowed: {
        trigger: ["dag_run_id", "logical_date", "execution_date", "data_interval_start", "data_interval_end", "conf", "note"],
        clear: ["dry_run", "task_ids", "start_date", "end_date", "only_failed", "only_running", "include_subdags", "include_parentdag",
          "reset_dag_runs", "dag_run_id", "include_upstream", "include_downstream", "include_future", "include_past"],
        patch: ["is_paused"],
      },
    };
  }
  return {
    major,
    refuse: (status, _title, detail) => jsonResponse(status, { detail }),
    invalid: (field, type, msg, input) => jsonResponse(422, { detail: [{ type, loc: ["body", field], msg, input }] }),
    allowed: {
      trigger: ["dag_run_id", "data_interval_start", "data_interval_end", "logical_date", "run_after", "conf", "note", "partition_key"],
      clear: ["dry_run", "start_date", "end_date", "only_failed", "only_running", "reset_dag_runs", "task_ids", "dag_run_id",
        "include_upstream", "include_downstream", "include_future", "include_past", "run_on_latest_version", "prevent_running_task"],
      patch: ["is_paused"],
    },
  };
}

function checkBody(v: Version, body: Body, allowed: string[]): SimResponse | null {
  const extra = Object.keys(body).find((k) => !allowed.includes(k));
  if (extra === undefined) return null;
  return v.major === 2 ? v.invalid(extra, "", "Unknown field.", body[extra]) : v.invalid(extra, "extra_forbidden", "Extra inputs are not permitted", body[extra]);
}

function trigger(ctx: RouteCtx, v: Version, d: DagDef, body: Body): SimResponse {
  const bad = checkBody(v, body, v.allowed.trigger);
  if (bad) return bad;
  if (v.major === 3 && !("logical_date" in body)) return v.invalid("logical_date", "missing", "Field required", body);
  if (body.conf !== undefined && body.conf !== null && (typeof body.conf !== "object" || Array.isArray(body.conf))) {
    return v.invalid("conf", "dict_type", v.major === 2 ? "Not a valid mapping type." : "Input should be a valid dictionary", body.conf);
  }
  if (body.note !== undefined && body.note !== null && typeof body.note !== "string") return v.invalid("note", "string_type", "Not a valid string.", body.note);
  const rawLogical = body.logical_date ?? body.execution_date;
  let logical: number | null = v.major === 2 ? ctx.now : null;
  if (rawLogical !== undefined && rawLogical !== null) {
    logical = typeof rawLogical === "string" ? Date.parse(rawLogical) : NaN;
    if (!Number.isFinite(logical)) return v.invalid("logical_date", "datetime_from_date_parsing", "Not a valid datetime.", rawLogical);
  }
  const id = typeof body.dag_run_id === "string" && body.dag_run_id ? body.dag_run_id : `manual__${(v.major === 2 ? isoV1 : isoV2)(logical ?? ctx.now)}`;
  const runs = manualOf(ctx);
  const key = `${d.dagId}\u0000${id}`;
  if (runs.has(key) || scheduledRun(ctx, d, id)) {
    return v.major === 2
      ? v.refuse(409, "DAGRun already exists", `DAGRun with DAG ID: '${d.dagId}' and DAGRun ID: '${id}' already exists`)
      : v.refuse(409, "", `DAG Run with run_id ${id} already exists for dag ${d.dagId}`);
  }
  const run: ManualRun = {
    dagId: d.dagId, runId: id, logical, queued: ctx.now,
    conf: (body.conf as Record<string, unknown> | null | undefined) ?? {}, note: typeof body.note === "string" ? body.note : null,
  };
  runs.set(key, run);
  return jsonResponse(200, v.major === 2 ? manualV1(run, ctx.now) : manualV2(run, ctx.now));
}

function clear(ctx: RouteCtx, v: Version, d: DagDef, body: Body): SimResponse {
  const bad = checkBody(v, body, v.allowed.clear);
  if (bad) return bad;
  for (const k of ["dry_run", "only_failed", "only_running", "reset_dag_runs"]) {
    if (body[k] !== undefined && typeof body[k] !== "boolean") return v.invalid(k, "bool_type", v.major === 2 ? "Not a valid boolean." : "Input should be a valid boolean", body[k]);
  }
  const dryRun = body.dry_run ?? true;
  const onlyFailed = body.only_failed ?? true;
  const runIdWanted = typeof body.dag_run_id === "string" ? body.dag_run_id : null;
  if (runIdWanted === null) return v.invalid("dag_run_id", "string_type", "Flightboard's simulator clears one run at a time", body.dag_run_id ?? null);
  const scheduled = scheduledRun(ctx, d, runIdWanted);
  const manual = manualOf(ctx).get(`${d.dagId}\u0000${runIdWanted}`);
  if (!scheduled && !manual) return v.refuse(404, "Not Found", `Dag Run id ${runIdWanted} not found in dag ${d.dagId}`);
  // One task per run; it is failed exactly when the run failed. Manual runs never fail here.
  const state = scheduled ? scheduled.state : manualState(manual!, ctx.now).state;
  const hit = onlyFailed ? state === "failed" : state === "failed" || state === "success";
  if (hit && dryRun === false && scheduled) ctx.model.clearRun(d, scheduled.k, ctx.now);
  const logical = scheduled ? scheduled.logical : (manual!.logical ?? manual!.queued);
  const tis = hit
    ? [v.major === 2
      ? { task_id: TASK_ID, dag_id: d.dagId, execution_date: isoV1(logical), dag_run_id: runIdWanted }
      : { id: `${d.hash.toString(16)}-${runIdWanted}`, task_id: TASK_ID, dag_id: d.dagId, dag_run_id: runIdWanted, map_index: -1,
        logical_date: isoV2(logical), state: dryRun === false ? null : "failed", try_number: 1, dag_display_name: d.dagId, task_display_name: TASK_ID }]
    : [];
  return jsonResponse(200, v.major === 2 ? { task_instances: tis } : { task_instances: tis, total_entries: tis.length });
}

function patchDag(ctx: RouteCtx, v: Version, d: DagDef, body: Body, q: Query): SimResponse {
  const mask = q.get("update_mask");
  const extraQuery = [...q.keys()].filter((k) => k !== "update_mask");
  if (v.major === 2 && extraQuery.length) return v.refuse(400, "Bad Request", `Extra query parameter(s) ${extraQuery.join(", ")} not in spec`);
  if (mask && mask.some((m) => m !== "is_paused")) return v.refuse(400, "Bad Request", "Only `is_paused` field can be updated through the REST API");
  const bad = checkBody(v, body, v.allowed.patch);
  if (bad) return bad;
  if (typeof body.is_paused !== "boolean") {
    return body.is_paused === undefined
      ? v.invalid("is_paused", "missing", v.major === 2 ? "Missing data for required field." : "Field required", body)
      : v.invalid("is_paused", "bool_type", v.major === 2 ? "Not a valid boolean." : "Input should be a valid boolean", body.is_paused);
  }
  if (body.is_paused && !d.paused) d.pausedAt = ctx.now;
  if (!body.is_paused) d.pausedAt = undefined;
  d.paused = body.is_paused;
  const errs = dagHasImportErrors(ctx.model, d);
  return jsonResponse(200, v.major === 2 ? dagV1(ctx.model, d, ctx.now, errs) : dagV2(ctx.model, d, ctx.now, errs));
}

/**
 * A write route relative to the API root, or null when `method`/`path` is not one. `bodyText` is
 * the raw request body.
 */
export function routeWrite(ctx: RouteCtx, major: 2 | 3, method: string, path: string, q: Query, bodyText: string): SimResponse | null {
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  if (parts[0] !== "dags" || parts.length < 2) return null;
  const kind = method === "POST" && parts.length === 3 && parts[2] === "dagRuns" ? "trigger"
    : method === "POST" && parts.length === 3 && parts[2] === "clearTaskInstances" ? "clear"
      : method === "PATCH" && parts.length === 2 ? "patch" : null;
  if (!kind) return null;
  const v = version(ctx, major);
  if (String(ctx.spec.options?.role ?? "").toLowerCase() === "viewer") {
    return v.refuse(403, "Forbidden", major === 2 ? "You do not have permission to perform this action" : "Forbidden");
  }
  let body: unknown;
  try {
    body = bodyText.trim() ? JSON.parse(bodyText) : undefined;
  } catch {
    return major === 2 ? v.refuse(400, "Bad Request", "Request body is not valid JSON")
      : jsonResponse(422, { detail: [{ type: "json_invalid", loc: ["body", 0], msg: "JSON decode error", input: {} }] });
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    return major === 2 ? v.refuse(400, "Bad Request", "None is not of type 'object'") : v.invalid("", "model_attributes_type", "Input should be a valid dictionary or object to extract fields from", body ?? null);
  }
  const d = ctx.model.byId.get(parts[1]);
  if (!d) {
    return major === 2 ? v.refuse(404, "DAG not found", `DAG with dag_id: '${parts[1]}' not found`) : v.refuse(404, "", `The Dag with ID: \`${parts[1]}\` was not found`);
  }
  if (kind === "trigger") return trigger(ctx, v, d, body as Body);
  if (kind === "clear") return clear(ctx, v, d, body as Body);
  return patchDag(ctx, v, d, body as Body, q);
}

