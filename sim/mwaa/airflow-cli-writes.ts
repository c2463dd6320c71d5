import { versionAtLeast } from "../wire";
import { callAirflow, dagbagLine, isoformat, option, py, traceback, type CliAnswer } from "./airflow-cli";
import type { MwaaEnv } from "./model";

/**
 * The Airflow CLI commands that change state, as MWAA's `/aws_mwaa/cli` runs them, executed against
 * the virtual Airflow's own write endpoints (sim/api-actions.ts): a run triggered here is the run the
 * REST API answers with, a cleared run runs again, `is_paused` flips for both. What each prints
 * follows the version:
 * - `dags trigger`: up to 2.6 `Created <DagRun …>`; from 2.7 (and on 3) a table of the new run;
 *   Airflow 2 gives the run the current logical date, Airflow 3 none unless `--logical-date` says;
 * - `dags pause|unpause`: up to 2.6 `Dag: X, paused: True` (an unknown DAG is an exception); from 2.7
 *   a `dag_id | is_paused` table, and "No unpaused DAGs were found" when nothing changes, an
 *   unknown DAG included;
 * - `tasks states-for-dag-run`, and `tasks clear` by logical-date range (`--only-failed`; without
 *   `--yes` it asks, and nothing answers).
 * Refusals are Airflow's exceptions, printed as tracebacks on stderr.
 */

const crash = (what: string): CliAnswer => ({ stdout: "", stderr: traceback(what) });

/** AirflowConsole's table (`-o table`, the default): `a | b` over `==+==`. */
function table(rows: Record<string, unknown>[]): string {
  if (!rows.length) return "";
  const keys = Object.keys(rows[0]!);
  const cell = (v: unknown) => (v === null || v === undefined ? "None" : typeof v === "object" ? JSON.stringify(v) : String(v));
  const width = keys.map((k) => Math.max(k.length, ...rows.map((r) => cell(r[k]).length)));
  const line = (cells: string[]) => `${cells.map((c, i) => c.padEnd(width[i]!)).join(" | ")}`.trimEnd();
  return [line(keys), width.map((w) => "=".repeat(w)).join("=+="), ...rows.map((r) => line(keys.map((k) => cell(r[k]))))].join("\n") + "\n";
}

function flag(args: string[], ...names: string[]): boolean {
  return args.some((a) => names.includes(a));
}

/** The positional arguments after `group sub` (options with values skipped). */
function positionals(args: string[], valued: string[]): string[] {
  const out: string[] = [];
  for (let i = 2; i < args.length; i++) {
    const a = args[i]!;
    if (valued.includes(a)) i++;
    else if (!a.startsWith("-")) out.push(a);
  }
  return out;
}

const dagMissing = (dagId: string) => `airflow.exceptions.AirflowException: Dag '${dagId}' could not be found; either it does not exist or it failed to parse.`;

async function dagExists(env: MwaaEnv, dagId: string): Promise<{ is_paused?: boolean } | null> {
  const r = await callAirflow(env, "GET", `/dags/${encodeURIComponent(dagId)}`);
  return r.status === 404 ? null : (r.json as { is_paused?: boolean });
}

async function trigger(env: MwaaEnv, args: string[], now: number): Promise<CliAnswer> {
  const version = env.spec.airflowVersion;
  const major = env.va.major;
  const [dagId] = positionals(args, ["-r", "--run-id", "-c", "--conf", "-e", "--exec-date", "-l", "--logical-date", "-o", "--output", "-S", "--subdir"]);
  if (!dagId) return { stdout: "", stderr: "usage: airflow dags trigger [-h] dag_id\nairflow dags trigger command error: the following arguments are required: dag_id, see help above.\n" };
  const rawConf = option(args, "-c", "--conf");
  let conf: unknown = {};
  if (rawConf !== undefined) {
    try {
      conf = JSON.parse(rawConf);
    } catch {
      return crash("json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)");
    }
  }
  const logical = option(args, ...(major === 2 ? ["-e", "--exec-date"] : ["-l", "--logical-date"]));
  const body: Record<string, unknown> = { conf };
  const runId = option(args, "-r", "--run-id");
  if (runId) body.dag_run_id = runId;
  if (major === 3) body.logical_date = logical ?? null;
  else if (logical) body.execution_date = logical;
  const r = await callAirflow(env, "POST", `/dags/${encodeURIComponent(dagId)}/dagRuns`, {}, body);
  if (r.status === 404) return crash(`airflow.exceptions.DagNotFound: Dag id ${dagId} not found in DagModel`);
  if (r.status === 409) return crash(`airflow.exceptions.DagRunAlreadyExists: A Dag Run already exists for dag id ${dagId} with run id ${runId}`);
  if (r.status !== 200) return crash(`airflow.exceptions.AirflowException: ${JSON.stringify(r.json)}`);
  const run = r.json as Record<string, unknown>;
  const at = isoformat(run.logical_date);
  if (!versionAtLeast(version, [2, 7, 0])) {
    return { stdout: `${dagbagLine(now)}Created <DagRun ${dagId} @ ${at.replace("T", " ")}: ${String(run.dag_run_id)}, externally triggered: True>\n`, stderr: "" };
  }
  const row: Record<string, unknown> = {
    conf: JSON.stringify(run.conf ?? {}), dag_id: dagId, dag_run_id: run.dag_run_id, data_interval_start: at || null, data_interval_end: at || null,
    end_date: null, ...(major === 2 ? { external_trigger: "True" } : {}), last_scheduling_decision: null, logical_date: at || null,
    run_type: "manual", start_date: null, state: "queued",
  };
  return { stdout: dagbagLine(now) + table([row]), stderr: "" };
}

async function pause(env: MwaaEnv, args: string[], paused: boolean, now: number): Promise<CliAnswer> {
  const [dagId] = positionals(args, ["-o", "--output", "-S", "--subdir"]);
  if (!dagId) return { stdout: "", stderr: `usage: airflow dags ${paused ? "" : "un"}pause [-h] dag_id\nairflow dags ${paused ? "" : "un"}pause command error: the following arguments are required: dag_id, see help above.\n` };
  const modern = versionAtLeast(env.spec.airflowVersion, [2, 7, 0]);
  const dag = await dagExists(env, dagId);
  if (!dag && !modern) return crash(`airflow.exceptions.AirflowException: dag_id could not be found: ${dagId}. Either the dag did not exist or it failed to parse.`);
  if (!dag || (modern && dag.is_paused === paused)) return { stdout: `No ${paused ? "un" : ""}paused DAGs were found\n`, stderr: "" };
  const r = await callAirflow(env, "PATCH", `/dags/${encodeURIComponent(dagId)}`, env.va.major === 2 ? { update_mask: "is_paused" } : {}, { is_paused: paused });
  if (r.status !== 200) return crash(`airflow.exceptions.AirflowException: ${JSON.stringify(r.json)}`);
  if (!modern) return { stdout: `${dagbagLine(now)}Dag: ${dagId}, paused: ${paused ? "True" : "False"}\n`, stderr: "" };
  return { stdout: table([{ dag_id: dagId, is_paused: paused ? "True" : "False" }]), stderr: "" };
}

/** The virtual Airflow's runs of one DAG whose logical date is within [gte, lte]. */
async function runsBetween(env: MwaaEnv, dagId: string, gte: string, lte: string): Promise<Record<string, unknown>[]> {
  const key = env.va.major === 2 ? "execution_date" : "logical_date";
  const r = await callAirflow(env, "GET", `/dags/${encodeURIComponent(dagId)}/dagRuns`, { [`${key}_gte`]: gte, [`${key}_lte`]: lte, limit: "100" });
  return ((r.json as { dag_runs?: Record<string, unknown>[] })?.dag_runs ?? []) as Record<string, unknown>[];
}

const rfc3339 = (v: string) => {
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
};

async function statesForDagRun(env: MwaaEnv, args: string[]): Promise<CliAnswer> {
  const major = env.va.major;
  const [dagId, which] = positionals(args, ["-o", "--output", "-S", "--subdir"]);
  if (!dagId || !which) return { stdout: "", stderr: "usage: airflow tasks states-for-dag-run [-h] dag_id execution_date_or_run_id\nairflow tasks states-for-dag-run command error: the following arguments are required: dag_id, execution_date_or_run_id, see help above.\n" };
  if (!(await dagExists(env, dagId))) return crash(dagMissing(dagId));
  // A run id (`scheduled__<logical date>`, as the simulator names runs) or a logical date.
  const asRunId = /^\w+__(.+)$/.exec(which);
  const at = rfc3339(asRunId ? asRunId[1]! : which);
  const run = at ? (await runsBetween(env, dagId, at, at)).find((r) => !asRunId || r.dag_run_id === which) : undefined;
  if (!run) return crash(`airflow.exceptions.DagRunNotFound: DagRun for ${dagId} with run_id or ${major === 2 ? "execution_date" : "logical_date"} of '${which}' not found`);
  const state = String(run.state);
  const stringify = versionAtLeast(env.spec.airflowVersion, [2, 1, 0]);
  const row = {
    dag_id: py(dagId, stringify),
    [major === 2 ? "execution_date" : "logical_date"]: isoformat(run.logical_date ?? run.execution_date),
    task_id: py("main", stringify),
    state: py(state === "queued" ? null : state, stringify),
    start_date: isoformat(run.start_date),
    end_date: isoformat(run.end_date),
  };
  const out = option(args, "-o", "--output");
  return { stdout: out === "json" ? `${JSON.stringify([row])}\n` : table([row]), stderr: "" };
}

async function clear(env: MwaaEnv, args: string[], now: number): Promise<CliAnswer> {
  const [dagId] = positionals(args, ["-s", "--start-date", "-e", "--end-date", "-t", "--task-regex", "-S", "--subdir", "-B", "--bundle-name"]);
  if (!dagId) return { stdout: "", stderr: "usage: airflow tasks clear [-h] dag_id\nairflow tasks clear command error: the following arguments are required: dag_id, see help above.\n" };
  if (!(await dagExists(env, dagId))) return crash(dagMissing(dagId));
  const start = option(args, "-s", "--start-date");
  const end = option(args, "-e", "--end-date");
  const gte = start ? rfc3339(start) : new Date(0).toISOString();
  const lte = end ? rfc3339(end) : new Date(now + 86_400_000).toISOString();
  if (!gte || !lte) return crash(`pendulum.parsing.exceptions.ParserError: Unable to parse string [${!gte ? start : end}]`);
  const onlyFailed = flag(args, "-f", "--only-failed");
  const runs = (await runsBetween(env, dagId, gte, lte)).filter((r) => (onlyFailed ? r.state === "failed" : r.state === "failed" || r.state === "success"));
  if (!runs.length) return { stdout: `${dagbagLine(now)}No task instances to clear\n`, stderr: "" };
  if (!flag(args, "-y", "--yes")) {
    const list = runs.map((r) => `<TaskInstance: ${dagId}.main ${String(r.dag_run_id)} [${String(r.state)}]>`).join("\n");
    return { stdout: `${dagbagLine(now)}${list}\n\nAre you sure? [y/n]\n`, stderr: traceback("EOFError: EOF when reading a line") };
  }
  for (const r of runs) {
    await callAirflow(env, "POST", `/dags/${encodeURIComponent(dagId)}/clearTaskInstances`, {}, { dag_run_id: r.dag_run_id, only_failed: onlyFailed, dry_run: false });
  }
  return { stdout: dagbagLine(now), stderr: "" };
}

/** A state-changing command (`dags trigger|pause|unpause`, `tasks states-for-dag-run|clear`), or null when `args` is none of them. */
export async function runCliWrite(env: MwaaEnv, args: string[], now: number): Promise<CliAnswer | null> {
  const [group, sub] = args;
  if (group === "dags" && sub === "trigger") return trigger(env, args, now);
  if (group === "dags" && (sub === "pause" || sub === "unpause")) return pause(env, args, sub === "pause", now);
  if (group === "tasks" && sub === "states-for-dag-run") return statesForDagRun(env, args);
  if (group === "tasks" && sub === "clear") return clear(env, args, now);
  return null;
}
