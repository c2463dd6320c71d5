import { z } from "zod";
import { AirflowError } from "./errors";
import type { ApiVersion, ComponentState, Dag, DagRun, Health, ImportError, Page, VersionInfo } from "./types";

/**
 * The only place that knows Airflow's payload shapes. v1 (Airflow 2) and v2 (Airflow 3) bodies are
 * validated with minimal, lenient zod schemas (extra fields ignored, fields that older 2.x servers
 * omit optional) and reshaped into the domain model. A body that does not match → `bad_response`.
 */

const str = z.string();
const optStr = z.string().nullish();
const optBool = z.boolean().nullish();

/**
 * Normalises an Airflow timestamp to ISO-8601 UTC with `Z` (millisecond precision):
 * `2024-11-23T11:09:16.663124+00:00` → `2024-11-23T11:09:16.663Z`; a space instead of `T` and a
 * missing offset (taken as UTC) are accepted. Unparseable or empty → null.
 */
export function toIsoUtc(value: string | null | undefined): string | null {
  if (typeof value !== "string") return null;
  let s = value.trim();
  if (s === "") return null;
  s = s.replace(/^(\d{4}-\d{2}-\d{2})[ t]/, "$1T");
  // Date.parse handles at most millisecond digits reliably: trim longer fractions.
  s = s.replace(/(\.\d{3})\d+/, "$1");
  if (/T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(s)) s += "Z";
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

function bad(what: string, error: z.ZodError): never {
  const issue = error.issues[0];
  const where = issue && issue.path.length ? ` (at ${issue.path.join(".")})` : "";
  throw new AirflowError({
    kind: "bad_response",
    message: `the ${what} answer is not Airflow's ${what} JSON${where}`,
    cause: error,
  });
}

function parse<T>(schema: z.ZodType<T>, json: unknown, what: string): T {
  const r = schema.safeParse(json);
  return r.success ? r.data : bad(what, r.error);
}

// ── health ──────────────────────────────────────────────────────────────────

const componentSchema = z
  .object({
    status: z.string().nullish(),
    latest_scheduler_heartbeat: optStr,
    latest_triggerer_heartbeat: optStr,
    latest_dag_processor_heartbeat: optStr,
  })
  .nullish();

const healthSchema = z.object({
  metadatabase: z.object({ status: z.string().nullish() }),
  scheduler: z.object({ status: z.string().nullish(), latest_scheduler_heartbeat: optStr }),
  triggerer: componentSchema,
  dag_processor: componentSchema,
});

function componentState(status: string | null | undefined): ComponentState {
  if (status === null || status === undefined) return null;
  return status.toLowerCase() === "healthy" ? "healthy" : "unhealthy";
}

/** `/api/v1/health` or `/api/v2/monitor/health` (same shape). */
export function reshapeHealth(json: unknown): Health {
  const h = parse(healthSchema, json, "health");
  return {
    metadatabase: componentState(h.metadatabase.status),
    scheduler: componentState(h.scheduler.status),
    triggerer: componentState(h.triggerer?.status),
    dagProcessor: componentState(h.dag_processor?.status),
    schedulerHeartbeat: toIsoUtc(h.scheduler.latest_scheduler_heartbeat),
    triggererHeartbeat: toIsoUtc(h.triggerer?.latest_triggerer_heartbeat),
    dagProcessorHeartbeat: toIsoUtc(h.dag_processor?.latest_dag_processor_heartbeat),
  };
}

// ── version ─────────────────────────────────────────────────────────────────

const versionSchema = z.object({ version: str, git_version: optStr });

export function reshapeVersion(json: unknown): VersionInfo {
  const v = parse(versionSchema, json, "version");
  return { version: v.version, gitVersion: v.git_version ?? null };
}

// ── DAGs ────────────────────────────────────────────────────────────────────

const num = z.number().nullish();
const scheduleSchema = z
  .union([
    z.string(),
    z
      .object({
        __type: z.string(),
        value: optStr,
        days: num,
        seconds: num,
        microseconds: num,
        years: num,
        months: num,
        leapdays: num,
        hours: num,
        minutes: num,
        year: num,
        month: num,
        day: num,
        hour: num,
        minute: num,
        second: num,
        microsecond: num,
      })
      .loose(),
  ])
  .nullish();

type ScheduleInterval = z.infer<typeof scheduleSchema>;

/** Python's `str(timedelta)`: `1 day, 0:00:00`, `0:30:00`, `-1 day, 23:00:00.000500`. */
function timedeltaText(days: number, seconds: number, microseconds: number): string {
  const hh = Math.floor(seconds / 3600);
  const mm = Math.floor((seconds % 3600) / 60);
  const ss = seconds % 60;
  let clock = `${hh}:${String(mm).padStart(2, "0")}:${String(ss).padStart(2, "0")}`;
  if (microseconds) clock += `.${String(microseconds).padStart(6, "0")}`;
  return days ? `${days} day${Math.abs(days) === 1 ? "" : "s"}, ${clock}` : clock;
}

/** Renders v1 `schedule_interval` as the text Airflow shows (and v2's `timetable_summary` uses). */
export function scheduleText(s: ScheduleInterval): string | null {
  if (s === null || s === undefined) return null;
  if (typeof s === "string") return s;
  switch (s.__type) {
    case "CronExpression":
      return s.value ?? null;
    case "TimeDelta":
      return timedeltaText(s.days ?? 0, s.seconds ?? 0, s.microseconds ?? 0);
    case "RelativeDelta": {
      // dateutil's repr: relative fields with a sign, absolute ones without.
      const rel = ["years", "months", "days", "leapdays", "hours", "minutes", "seconds", "microseconds"] as const;
      const abs = ["year", "month", "day", "hour", "minute", "second", "microsecond"] as const;
      const parts: string[] = [];
      for (const k of rel) {
        const v = s[k];
        if (typeof v === "number" && v !== 0) parts.push(`${k}=${v > 0 ? "+" : ""}${v}`);
      }
      for (const k of abs) {
        const v = s[k];
        if (typeof v === "number") parts.push(`${k}=${v}`);
      }
      return `relativedelta(${parts.join(", ")})`;
    }
    default:
      return typeof s.value === "string" ? s.value : s.__type;
  }
}

/**
 * DAGs share equal tag and owner lists and schedule texts, runs their state and type: thousands of DAGs carry the same few, and
 * each parsed copy would live as long as the DAG list (about a fifth of the monitor's live heap at
 * 200 environments × 500 DAGs). Shared lists are frozen, so no reader can change another DAG's.
 * Bounded: past the cap, new values are simply not shared.
 */
const MAX_SHARED = 50_000;
const sharedLists = new Map<string, string[]>();
const sharedTexts = new Map<string, string>();
const NO_STRINGS: string[] = Object.freeze([]) as unknown as string[];

function sharedList(list: string[]): string[] {
  if (list.length === 0) return NO_STRINGS;
  const key = list.join("\u0000");
  const known = sharedLists.get(key);
  if (known) return known;
  if (sharedLists.size >= MAX_SHARED) return list;
  sharedLists.set(key, Object.freeze(list) as string[]);
  return list;
}

function sharedText<T extends string | null>(text: T): T {
  if (text === null) return text;
  const known = sharedTexts.get(text) as T | undefined;
  if (known !== undefined) return known;
  if (sharedTexts.size < MAX_SHARED) sharedTexts.set(text, text);
  return text;
}

const tagsSchema = z
  .array(z.union([z.object({ name: z.string() }).loose(), z.string()]))
  .nullish()
  .transform((tags) => sharedList((tags ?? []).map((t) => (typeof t === "string" ? t : t.name))));
const ownersSchema = z
  .array(z.string())
  .nullish()
  .transform((o) => sharedList(o ?? []));

const dagV1Schema = z.object({
  dag_id: str,
  dag_display_name: optStr,
  is_paused: optBool,
  is_active: optBool,
  tags: tagsSchema,
  owners: ownersSchema,
  schedule_interval: scheduleSchema,
  next_dagrun: optStr,
  next_dagrun_create_after: optStr,
  has_import_errors: optBool,
});

const dagV2Schema = z.object({
  dag_id: str,
  dag_display_name: optStr,
  is_paused: optBool,
  is_stale: optBool,
  tags: tagsSchema,
  owners: ownersSchema,
  timetable_summary: optStr,
  next_dagrun_logical_date: optStr,
  next_dagrun_run_after: optStr,
  has_import_errors: optBool,
});

/** Airflow 3 sends the DAG id again as its display name by default: one string for both. */
function displayName(d: { dag_id: string; dag_display_name?: string | null }): string | null {
  return d.dag_display_name === d.dag_id ? d.dag_id : (d.dag_display_name ?? null);
}

function dagFromV1(d: z.infer<typeof dagV1Schema>): Dag {
  return {
    dagId: d.dag_id,
    displayName: displayName(d),
    paused: d.is_paused ?? false,
    active: d.is_active ?? true,
    tags: d.tags,
    owners: d.owners,
    schedule: sharedText(scheduleText(d.schedule_interval)),
    nextRunAt: toIsoUtc(d.next_dagrun),
    nextRunAfter: toIsoUtc(d.next_dagrun_create_after),
    hasImportErrors: d.has_import_errors ?? false,
  };
}

function dagFromV2(d: z.infer<typeof dagV2Schema>): Dag {
  return {
    dagId: d.dag_id,
    displayName: displayName(d),
    paused: d.is_paused ?? false,
    active: !(d.is_stale ?? false),
    tags: d.tags,
    owners: d.owners,
    schedule: sharedText(d.timetable_summary ?? null),
    nextRunAt: toIsoUtc(d.next_dagrun_logical_date ?? d.next_dagrun_run_after),
    nextRunAfter: toIsoUtc(d.next_dagrun_run_after),
    hasImportErrors: d.has_import_errors ?? false,
  };
}

const dagPageV1 = z.object({ dags: z.array(dagV1Schema), total_entries: z.number() });
const dagPageV2 = z.object({ dags: z.array(dagV2Schema), total_entries: z.number() });

/** One DAG object (`/dags/{id}` or an item of `/dags`). */
export function reshapeDag(version: ApiVersion, json: unknown): Dag {
  return version === "v1" ? dagFromV1(parse(dagV1Schema, json, "DAG")) : dagFromV2(parse(dagV2Schema, json, "DAG"));
}

/** `/dags` page. */
export function reshapeDagPage(version: ApiVersion, json: unknown): Page<Dag> {
  if (version === "v1") {
    const p = parse(dagPageV1, json, "DAG list");
    return { items: p.dags.map(dagFromV1), total: p.total_entries };
  }
  const p = parse(dagPageV2, json, "DAG list");
  return { items: p.dags.map(dagFromV2), total: p.total_entries };
}

// ── DAG runs ────────────────────────────────────────────────────────────────

const runSchema = z.object({
  dag_id: str,
  dag_run_id: str,
  state: z.enum(["queued", "running", "success", "failed"]),
  run_type: z.string().nullish(),
  logical_date: optStr,
  execution_date: optStr, // v1 only, deprecated duplicate of logical_date (missing before 2.2)
  start_date: optStr,
  end_date: optStr,
  queued_at: optStr, // v2
  run_after: optStr, // v2
  updated_at: optStr, // neither spec has it; used when a server sends it
});

function runFrom(r: z.infer<typeof runSchema>): DagRun {
  const logicalDate = toIsoUtc(r.logical_date ?? r.execution_date);
  const startDate = toIsoUtc(r.start_date);
  const endDate = toIsoUtc(r.end_date);
  return {
    dagId: r.dag_id,
    runId: r.dag_run_id,
    state: sharedText(r.state),
    runType: sharedText(r.run_type ?? "unknown"),
    logicalDate,
    startDate,
    endDate,
    updatedAt:
      toIsoUtc(r.updated_at) ?? endDate ?? startDate ?? toIsoUtc(r.queued_at) ?? logicalDate ?? toIsoUtc(r.run_after),
  };
}

const runPageSchema = z.object({ dag_runs: z.array(runSchema), total_entries: z.number() });

/** One DAG run object (v1 and v2 share the fields we read). */
export function reshapeRun(json: unknown): DagRun {
  return runFrom(parse(runSchema, json, "DAG run"));
}

/** `/dags/{id}/dagRuns` page (v1 or v2). */
export function reshapeRunPage(json: unknown): Page<DagRun> {
  const p = parse(runPageSchema, json, "DAG run list");
  return { items: p.dag_runs.map(runFrom), total: p.total_entries };
}

// ── import errors ───────────────────────────────────────────────────────────

const importErrorSchema = z.object({
  import_error_id: z.union([z.number(), z.string()]),
  filename: z.string().nullish(),
  timestamp: optStr,
  stack_trace: z.string().nullish(),
});

const importErrorPageSchema = z.object({ import_errors: z.array(importErrorSchema), total_entries: z.number() });

function importErrorFrom(e: z.infer<typeof importErrorSchema>): ImportError {
  return {
    id: e.import_error_id,
    filename: e.filename ?? "",
    timestamp: toIsoUtc(e.timestamp),
    stackTrace: e.stack_trace ?? "",
  };
}

export function reshapeImportError(json: unknown): ImportError {
  return importErrorFrom(parse(importErrorSchema, json, "import error"));
}

/** `/importErrors` page (v1 or v2). */
export function reshapeImportErrorPage(json: unknown): Page<ImportError> {
  const p = parse(importErrorPageSchema, json, "import error list");
  return { items: p.import_errors.map(importErrorFrom), total: p.total_entries };
}
