import type { DagDef } from "./dag-model";
import type { EnvModel, RunRec } from "./env-model";
import { hexFrom, mix } from "./random";
import { heartbeat, isoV1, isoV2 } from "./time-format";

/** Payload shapes per API version, field for field as the 2.10.5 (v1) and 3.2 (v2) specs. */

const DAGS_FOLDER = "/opt/airflow/dags";

export function runId(r: RunRec): string {
  return `scheduled__${isoV1(r.logical)}`;
}

function fileToken(d: DagDef): string {
  return `${Buffer.from(JSON.stringify(`${DAGS_FOLDER}/${d.fileRel}`)).toString("base64url")}.${hexFrom(d.hash, 14)}`;
}

function parsedAt(d: DagDef, now: number): number {
  // The DAG processor re-parses every 30 s.
  return now - ((now + (d.hash % 30_000)) % 30_000);
}

function next(m: EnvModel, d: DagDef, now: number) {
  const slot = m.slot(d, m.nextK(d, now));
  return { logical: slot - d.schedule.periodMs, runAfter: slot };
}

function scheduleIntervalV1(d: DagDef) {
  if (d.schedule.cron) return { __type: "CronExpression", value: d.schedule.cron };
  const s = Math.round(d.schedule.periodMs / 1000);
  return { __type: "TimeDelta", days: Math.floor(s / 86400), seconds: s % 86400, microseconds: 0 };
}

function timetableSummaryV2(d: DagDef): string {
  if (d.schedule.cron) return d.schedule.cron;
  const s = Math.round(d.schedule.periodMs / 1000);
  return `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
}

export function dagV1(m: EnvModel, d: DagDef, now: number, hasImportErrors: boolean) {
  const n = next(m, d, now);
  return {
    dag_id: d.dagId,
    dag_display_name: d.dagId,
    root_dag_id: null,
    is_paused: d.paused,
    is_active: !d.stale,
    is_subdag: false,
    last_parsed_time: isoV1(parsedAt(d, now)),
    last_pickled: null,
    last_expired: null,
    scheduler_lock: null,
    pickle_id: null,
    default_view: "grid",
    fileloc: `${DAGS_FOLDER}/${d.fileRel}`,
    file_token: fileToken(d),
    owners: d.owners,
    description: d.description,
    schedule_interval: scheduleIntervalV1(d),
    timetable_description: d.schedule.description,
    tags: d.tags.map((name) => ({ name })),
    max_active_tasks: 16,
    max_active_runs: 16,
    has_task_concurrency_limits: false,
    has_import_errors: hasImportErrors,
    next_dagrun: isoV1(n.logical),
    next_dagrun_data_interval_start: isoV1(n.logical),
    next_dagrun_data_interval_end: isoV1(n.runAfter),
    next_dagrun_create_after: isoV1(n.runAfter),
    max_consecutive_failed_dag_runs: 0,
  };
}

export function dagV2(m: EnvModel, d: DagDef, now: number, hasImportErrors: boolean) {
  const n = next(m, d, now);
  return {
    dag_id: d.dagId,
    dag_display_name: d.dagId,
    is_paused: d.paused,
    is_stale: d.stale,
    last_parsed_time: isoV2(parsedAt(d, now)),
    last_parse_duration: d.parseDurationS,
    last_expired: null,
    bundle_name: "dags-folder",
    bundle_version: null,
    relative_fileloc: d.fileRel,
    fileloc: `${DAGS_FOLDER}/${d.fileRel}`,
    description: d.description,
    timetable_summary: timetableSummaryV2(d),
    timetable_description: d.schedule.description,
    timetable_partitioned: false,
    tags: d.tags.map((name) => ({ name, dag_id: d.dagId, dag_display_name: d.dagId })),
    max_active_tasks: 16,
    max_active_runs: 16,
    max_consecutive_failed_dag_runs: 0,
    has_task_concurrency_limits: false,
    has_import_errors: hasImportErrors,
    next_dagrun_logical_date: isoV2(n.logical),
    next_dagrun_data_interval_start: isoV2(n.logical),
    next_dagrun_data_interval_end: isoV2(n.runAfter),
    next_dagrun_run_after: isoV2(n.runAfter),
    allowed_run_types: null,
    owners: d.owners,
    file_token: fileToken(d),
  };
}

export function runV1(r: RunRec) {
  return {
    dag_run_id: runId(r),
    dag_id: r.dag.dagId,
    logical_date: isoV1(r.logical),
    execution_date: isoV1(r.logical),
    start_date: r.start === null ? null : isoV1(r.start),
    end_date: r.end === null ? null : isoV1(r.end),
    data_interval_start: isoV1(r.logical),
    data_interval_end: isoV1(r.slot),
    last_scheduling_decision: isoV1(r.updated),
    run_type: "scheduled",
    state: r.state,
    external_trigger: false,
    conf: {},
    note: null,
  };
}

function uuidFrom(h: number): string {
  const x = hexFrom(h, 16);
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-4${x.slice(13, 16)}-a${x.slice(17, 20)}-${x.slice(20, 32)}`;
}

export function runV2(m: EnvModel, r: RunRec) {
  const d = r.dag;
  return {
    dag_run_id: runId(r),
    dag_id: d.dagId,
    logical_date: isoV2(r.logical),
    queued_at: isoV2(r.queued),
    start_date: r.start === null ? null : isoV2(r.start),
    end_date: r.end === null ? null : isoV2(r.end),
    duration: r.start !== null && r.end !== null ? (r.end - r.start) / 1000 : null,
    data_interval_start: isoV2(r.logical),
    data_interval_end: isoV2(r.slot),
    run_after: isoV2(r.slot),
    last_scheduling_decision: isoV2(r.updated),
    run_type: "scheduled",
    state: r.state,
    triggered_by: "timetable",
    triggering_user_name: null,
    conf: {},
    note: null,
    dag_versions: [{
      id: uuidFrom(mix(d.hash, 7)),
      version_number: 1,
      dag_id: d.dagId,
      bundle_name: "dags-folder",
      bundle_version: null,
      created_at: isoV2(m.historyStart - 7 * 86400_000),
      dag_display_name: d.dagId,
      bundle_url: null,
    }],
    bundle_version: null,
    dag_display_name: d.dagId,
    partition_key: null,
  };
}

export interface ImportErrorDef { id: number; fileRel: string; at: number; trace: string }

export function importErrorV1(e: ImportErrorDef) {
  return { import_error_id: e.id, timestamp: isoV1(e.at), filename: `${DAGS_FOLDER}/${e.fileRel}`, stack_trace: e.trace };
}

export function importErrorV2(e: ImportErrorDef) {
  return { import_error_id: e.id, timestamp: isoV2(e.at), filename: e.fileRel, bundle_name: "dags-folder", stack_trace: e.trace };
}

/** The import errors present in the `import-errors` scenario: exactly two. */
export function importErrors(m: EnvModel): ImportErrorDef[] {
  const since = m.scenarioSince();
  const broken = m.dags[m.brokenDag];
  const team = broken?.team ?? "etl";
  const brokenFile = broken ? broken.fileRel : `${team}/orders_sync.py`;
  const otherFile = `${team}/${team.replace(/-/g, "_")}_utils_report.py`;
  return [
    {
      id: 1,
      fileRel: brokenFile,
      at: since - 42_000,
      trace:
        "Traceback (most recent call last):\n" +
        '  File "<frozen importlib._bootstrap>", line 241, in _call_with_frames_removed\n' +
        `  File "${DAGS_FOLDER}/${brokenFile}", line 7, in <module>\n` +
        `    from plugins.${team.replace(/-/g, "_")}_helpers import normalize_records\n` +
        `ModuleNotFoundError: No module named 'plugins.${team.replace(/-/g, "_")}_helpers'\n`,
    },
    {
      id: 2,
      fileRel: otherFile,
      at: since - 17_000,
      trace:
        `  File "${DAGS_FOLDER}/${otherFile}", line 23\n` +
        "    with DAG(\n" +
        "            ^\n" +
        "SyntaxError: '(' was never closed\n",
    },
  ];
}

export function versionAtLeast(v: string, min: [number, number, number]): boolean {
  const p = v.split(/[.+-]/).map((x) => parseInt(x, 10) || 0);
  for (let i = 0; i < 3; i++) if ((p[i] ?? 0) !== min[i]) return (p[i] ?? 0) > min[i];
  return true;
}

/** Health body; heartbeats every 5 s, stopped 95 s before a *-down scenario began. */
export function health(m: EnvModel, version: string, major: 2 | 3, now: number) {
  const scenario = m.scenario();
  const beat = (salt: number) => {
    const phase = mix(m.envHash, salt) % 5000;
    const t = now - ((((now - phase) % 5000) + 5000) % 5000);
    return heartbeat(t, (t % 1000) * 1000 + (mix(m.envHash, salt, Math.floor(t / 5000)) % 1000));
  };
  const stopped = (salt: number) => {
    const t = m.scenarioSince() - 95_000;
    return heartbeat(t, (t % 1000) * 1000 + (mix(m.envHash, salt) % 1000));
  };
  const body: Record<string, unknown> = {
    metadatabase: { status: "healthy" },
    scheduler: scenario === "scheduler-down"
      ? { status: "unhealthy", latest_scheduler_heartbeat: stopped(1) }
      : { status: "healthy", latest_scheduler_heartbeat: beat(1) },
  };
  if (major === 3 || versionAtLeast(version, [2, 6, 2])) {
    body.triggerer = scenario === "triggerer-down"
      ? { status: "unhealthy", latest_triggerer_heartbeat: stopped(2) }
      : { status: "healthy", latest_triggerer_heartbeat: beat(2) };
  }
  if (major === 3) body.dag_processor = { status: "healthy", latest_dag_processor_heartbeat: beat(3) };
  // Airflow 2 runs the DAG processor inside the scheduler by default: no standalone job, so null.
  else if (versionAtLeast(version, [2, 6, 3])) body.dag_processor = { status: null, latest_dag_processor_heartbeat: null };
  return body;
}

export function versionBody(version: string, seedHash: number) {
  return { version, git_version: `.release:${hexFrom(mix(seedHash, hashVersion(version)), 20)}` };
}

function hashVersion(v: string): number {
  let h = 0;
  for (const c of v) h = Math.imul(h, 31) + c.charCodeAt(0);
  return h;
}
