import { runCliWrite } from "./airflow-cli-writes";
import type { MwaaEnv } from "./model";
import { versionAtLeast } from "../wire";

/**
 * The Airflow CLI as MWAA's `POST /aws_mwaa/cli` runs it (Airflow 3: `dags list-runs {dag}`, not `-d`): the command
 * comes in as text, the answer is what the real CLI prints (stdout, stderr), computed from the
 * same virtual Airflow the REST API serves, so scenarios look alike through both (state-changing
 * commands: airflow-cli-writes.ts). Version-accurate
 * where the monitor depends on it:
 * - `jobs` and `dags list-import-errors` exist from 2.1 (2.0.2 answers argparse's `invalid choice`);
 *   `--job-type TriggererJob` from 2.2;
 * - 2.0.2 prints raw Python values and no `paused` column in `dags list`; 2.1+ stringifies values;
 * - DAG-parsing commands print the DagBag log line on stdout before the JSON, as Airflow's console
 *   logging does.
 */

export interface CliAnswer {
  stdout: string;
  stderr: string;
}

/** Runs longest allowed for one command (MWAA's own CLI timeout is not documented; the REST one is 10 s). */
const CLI_TIMEOUT_MS = 10_000;
/** Runs listed per DAG at most (the real CLI lists all; a bound keeps the simulator cheap). */
const MAX_RUNS = 500;

const GROUPS = ["celery", "cheat-sheet", "config", "connections", "dags", "db", "info", "jobs", "kerberos", "plugins", "pools", "providers", "roles", "rotate-fernet-key", "scheduler", "sync-perm", "tasks", "users", "variables", "version", "webserver"];

/** Splits a command line like a POSIX shell would for simple quoting (`'…'`, `"…"`). */
export function splitCommand(line: string): string[] {
  const out: string[] = [];
  const re = /'([^']*)'|"((?:[^"\\]|\\.)*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  let cur = "";
  let last = -1;
  while ((m = re.exec(line))) {
    const piece = m[1] ?? m[2]?.replace(/\\(.)/g, "$1") ?? m[3]!;
    if (m.index === last) cur += piece;
    else {
      if (last !== -1) out.push(cur);
      cur = piece;
    }
    last = re.lastIndex;
  }
  if (last !== -1) out.push(cur);
  return out;
}

function invalidChoice(prefix: string, arg: string, value: string, choices: string[]): CliAnswer {
  const usage = `usage: ${prefix} [-h] ${arg} ...\n`;
  return { stdout: "", stderr: `${usage}\n${prefix} command error: argument ${arg}: invalid choice: '${value}' (choose from ${choices.map((c) => `'${c}'`).join(", ")}), see help above.\n` };
}

export function option(args: string[], ...names: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (names.includes(args[i]!)) return args[i + 1];
    for (const n of names) if (n.startsWith("--") && args[i]!.startsWith(`${n}=`)) return args[i]!.slice(n.length + 1);
  }
  return undefined;
}

/** Python's rendering of a value in the CLI's JSON: 2.1+ stringifies (`"True"`), 2.0.2 keeps JSON types. */
export function py(v: unknown, stringify: boolean): unknown {
  if (!stringify || v === null || v === undefined) return v ?? null;
  if (typeof v === "boolean") return v ? "True" : "False";
  return String(v);
}

/** RFC 3339 `Z` → Python `isoformat()` of an aware datetime (`+00:00`, microseconds when non-zero). */
export function isoformat(v: unknown): string {
  if (typeof v !== "string" || !v) return "";
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) return "";
  const base = d.toISOString().slice(0, 19);
  const ms = d.getUTCMilliseconds();
  return `${base}${ms ? `.${String(ms * 1000).padStart(6, "0")}` : ""}+00:00`;
}

export function dagbagLine(now: number): string {
  const t = new Date(now).toISOString().replace("T", " ").replace("Z", "").replace(".", ",");
  return `[${t}] {dagbag.py:496} INFO - Filling up the DagBag from /usr/local/airflow/dags\n`;
}

export const traceback = (what: string) =>
  `Traceback (most recent call last):\n  File "/usr/local/bin/airflow", line 8, in <module>\n    sys.exit(main())\n${what}\n`;

/** The CLI's own reach into the metadatabase: the virtual Airflow's REST answer, or the crash a broken database gives. */
export async function callAirflow(env: MwaaEnv, method: string, path: string, query: Record<string, string | string[]> = {}, body?: unknown): Promise<{ status: number; json: unknown }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const out = await Promise.race([
    env.va.invoke(method, path, query, body),
    new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), CLI_TIMEOUT_MS))),
  ]).catch(() => null);
  clearTimeout(timer);
  if (!out) throw new CliCrash("sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) could not connect to server: Connection timed out");
  if (out.status >= 500) throw new CliCrash("sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) server closed the connection unexpectedly");
  return out;
}

export async function runAirflowCli(env: MwaaEnv, command: string, now: number): Promise<CliAnswer> {
  const version = env.spec.airflowVersion;
  const modern = versionAtLeast(version, [2, 1, 0]);
  const args = splitCommand(command.trim());
  const [group, sub] = args;
  const call = (path: string, query: Record<string, string | string[]> = {}) => callAirflow(env, "GET", path, query);
  const pages = async (path: string, key: string, max: number, query: Record<string, string> = {}) => {
    const rows: Record<string, unknown>[] = [];
    for (let offset = 0; rows.length < max; offset += 100) {
      const r = await call(path, { ...query, limit: "100", offset: String(offset) });
      const page = ((r.json as Record<string, unknown>)?.[key] ?? []) as Record<string, unknown>[];
      rows.push(...page);
      if (page.length < 100) break;
    }
    return rows;
  };

  try {
    if (!group || !GROUPS.includes(group) || (group === "jobs" && !modern)) {
      return invalidChoice("airflow", "GROUP_OR_COMMAND", group ?? "", GROUPS.filter((g) => g !== "jobs" || modern));
    }
    if (group === "version") return { stdout: `${version}\n`, stderr: "" };
    if (group === "jobs") {
      if (sub !== "check") return invalidChoice("airflow jobs", "COMMAND", sub ?? "", ["check"]);
      const types = ["BackfillJob", "LocalTaskJob", "SchedulerJob", ...(versionAtLeast(version, [2, 2, 0]) ? ["TriggererJob"] : [])];
      const type = option(args, "--job-type");
      if (type && !types.includes(type)) return invalidChoice("airflow jobs check", "--job-type", type, types);
      const h = (await call(env.va.major === 3 ? "/monitor/health" : "/health")).json as Record<string, { status?: string } | undefined>;
      const part = type === "TriggererJob" ? h.triggerer : h.scheduler;
      // MWAA runs no triggerer before 2.7: the job table has none alive.
      const alive = part?.status === "healthy" && (type !== "TriggererJob" || versionAtLeast(version, [2, 7, 0]));
      return alive ? { stdout: "Found one alive job.\n", stderr: "" } : { stdout: "", stderr: "No alive jobs found.\n" };
    }
    const write = await runCliWrite(env, args, now);
    if (write) return write;
    if (group !== "dags") return { stdout: "", stderr: `The simulator does not emulate \`airflow ${group}\`.\n` };
    const subs = ["backfill", "delete", "list", "list-jobs", "list-runs", "next-execution", "pause", "report", "show", "state", "test", "trigger", "unpause", ...(modern ? ["list-import-errors"] : [])];
    if (!sub || !subs.includes(sub)) return invalidChoice("airflow dags", "COMMAND", sub ?? "", subs);
    const json = (rows: unknown[]) => `${JSON.stringify(rows)}\n`;
    if (sub === "list") {
      const dags = await pages("/dags", "dags", 100_000);
      const errors = modern ? await pages("/importErrors", "import_errors", 1) : [];
      const rows = dags.map((d) =>
        modern
          ? { dag_id: py(d.dag_id, true), filepath: py(d.fileloc ?? `${String(d.dag_id)}.py`, true), owner: py(((d.owners as string[]) ?? []).join(", "), true), paused: py(d.is_paused, true) }
          : { dag_id: d.dag_id, filepath: d.fileloc ?? `${String(d.dag_id)}.py`, owner: ((d.owners as string[]) ?? []).join(", ") },
      );
      const warn = errors.length ? "Failed to load all files. For details, run `airflow dags list-import-errors`\n" : "";
      return { stdout: dagbagLine(now) + json(rows), stderr: warn };
    }
    if (sub === "list-import-errors") {
      const errors = await pages("/importErrors", "import_errors", 100_000);
      return { stdout: dagbagLine(now) + json(errors.map((e) => ({ filepath: py(e.filename, true), error: py(e.stack_trace, true) }))), stderr: "" };
    }
    if (sub === "list-runs") {
      // Airflow 3 takes the DAG id as a positional argument; Airflow 2 as `-d`.
      const af3 = env.va.major === 3;
      const dagId = af3 ? args.slice(2).find((a, i, all) => !a.startsWith("-") && !["-o", "--output", "--state"].includes(all[i - 1] ?? "")) : option(args, "-d", "--dag-id");
      if (!dagId) {
        return af3
          ? { stdout: "", stderr: "usage: airflow dags list-runs [-h] dag_id\nairflow dags list-runs command error: the following arguments are required: dag_id, see help above.\n" }
          : { stdout: "", stderr: "usage: airflow dags list-runs [-h] -d DAG_ID\nairflow dags list-runs command error: the following arguments are required: -d/--dag-id, see help above.\n" };
      }
      const r = await call(`/dags/${encodeURIComponent(dagId)}`);
      if (r.status === 404) return { stdout: "", stderr: `DAG: ${dagId} does not exist in 'dag' table\n` };
      const runs = await pages(`/dags/${encodeURIComponent(dagId)}/dagRuns`, "dag_runs", MAX_RUNS, { order_by: af3 ? "-logical_date" : "-execution_date" });
      const rows = runs.map((x) => ({
        dag_id: py(x.dag_id, modern),
        run_id: py(x.dag_run_id, modern),
        state: py(x.state, modern),
        ...(af3 ? { run_after: isoformat(x.run_after), logical_date: isoformat(x.logical_date) } : { execution_date: isoformat(x.execution_date) }),
        start_date: isoformat(x.start_date),
        end_date: isoformat(x.end_date),
      }));
      return { stdout: dagbagLine(now) + json(rows), stderr: "" };
    }
    return { stdout: "", stderr: `The simulator does not emulate \`airflow dags ${sub}\`.\n` };
  } catch (e) {
    if (e instanceof CliCrash) return { stdout: "", stderr: traceback(e.message) };
    throw e;
  }
}

export class CliCrash extends Error {}
