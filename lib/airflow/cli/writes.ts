import { AirflowError } from "../errors";
import type { DagRun } from "../types";
import { CliError, clean, isoOf, parseJsonList } from "./output";

/**
 * The three actions as Airflow CLI commands (MWAA `access: cli`), and what the CLI answers, read back
 * into the same results and error kinds as the REST writes (writes.ts):
 * - trigger: `dags trigger {dag} --run-id manual__{now} --conf {json}`. Flightboard names the run the
 *   way Airflow would, so the new run is known whatever the version prints (`Created <DagRun …>` up to
 *   2.6, a table from 2.7). No logical date is passed: Airflow 2 takes now, Airflow 3 leaves it empty.
 *   The CLI has no note: a note is not sent.
 * - clear: `tasks clear {dag} --start-date D --end-date D' --only-failed --yes`, D…D' the run's logical
 *   date to the microsecond: the CLI of MWAA's versions selects task instances by logical-date range
 *   only (no run id option), and without `--yes` it asks a question nobody answers. With `--yes` it does
 *   not print how many it cleared, so `tasks states-for-dag-run` counts the failed ones just before.
 * - pause/unpause: `dags pause|unpause {dag}`: `Dag: X, paused: True` up to 2.6, a `dag_id | is_paused`
 *   table from 2.7, or "No unpaused DAGs were found" when nothing changed (already so, or no such DAG).
 * Refusals are Python tracebacks on stderr: `DagNotFound`/`DagRunNotFound`/"could not be found" →
 * `not_found` (404), `DagRunAlreadyExists` → 409, an argparse refusal → 400. Nothing here retries.
 */

export interface CliOut {
  stdout: string;
  stderr: string;
}

/** Quotes one CLI argument the way a shell would accept it back (DAG ids are `[\w.-]+` in Airflow). */
export function arg(v: string): string {
  return /^[\w.:+-]+$/.test(v) ? v : `'${v.replace(/'/g, `'"'"'`)}'`;
}

/** Python's `isoformat()` of an aware datetime with microseconds: what the CLI's date options parse. */
function pyIso(iso: string, micros: number): string {
  const d = new Date(iso);
  const ms = String(d.getUTCMilliseconds()).padStart(3, "0");
  return `${d.toISOString().slice(0, 19)}.${ms}${String(micros).padStart(3, "0")}+00:00`;
}

/** `manual__2026-05-01T10:00:00.123000+00:00`, the shape of Airflow's own manual run ids. */
export function manualRunId(now: number): string {
  return `manual__${pyIso(new Date(now).toISOString(), 0)}`;
}

/** The command text for messages: group, command and DAG only (the conf may hold anything). */
const short = (command: string) => command.split(" ").slice(0, 3).join(" ");

export const triggerCommand = (dagId: string, runId: string, conf: Record<string, unknown>) =>
  `dags trigger ${arg(dagId)} --run-id ${arg(runId)} --conf ${arg(JSON.stringify(conf))}`;
export const pauseCommand = (dagId: string, paused: boolean) => `dags ${paused ? "pause" : "unpause"} ${arg(dagId)}`;
export const clearCommand = (dagId: string, logicalDate: string) =>
  `tasks clear ${arg(dagId)} --start-date ${pyIso(logicalDate, 0)} --end-date ${pyIso(logicalDate, 999)} --only-failed --yes`;

/** `tasks states-for-dag-run`: the run id from 2.2, the logical date before (its argument was `execution_date`). */
export function statesCommand(version: string | null, dagId: string, run: DagRun): string {
  const m = /^v?(\d+)\.(\d+)/.exec(version ?? "");
  const byRunId = !m || Number(m[1]) > 2 || Number(m[2]) >= 2;
  return `tasks states-for-dag-run ${arg(dagId)} ${arg(byRunId || !run.logicalDate ? run.runId : pyIso(run.logicalDate, 0))} -o json`;
}

/** Throws Airflow's refusal of a command (a traceback or an argparse error on stderr), typed like the REST answer. */
export function checkWrite(command: string, out: CliOut): void {
  const err = clean(out.stderr);
  const argparse = /command error: |invalid choice|unrecognized arguments/.test(err);
  if (!argparse && !/Traceback \(most recent call last\)/.test(err)) return;
  const lines = err.split("\n").map((l) => l.trim()).filter(Boolean);
  const said = (argparse ? lines.find((l) => /command error: /.test(l)) : lines[lines.length - 1]) ?? "no output";
  const words = said.length > 300 ? `${said.slice(0, 297)}…` : said;
  const cmd = short(command);
  if (argparse) throw new CliError("unsupported", cmd, words, "http", 400);
  if (/DagRunAlreadyExists|already exists/i.test(said)) throw new CliError("failed", cmd, words, "http", 409);
  if (/DagNotFound|DagRunNotFound|could not be found|not found|does not exist/i.test(said)) throw new CliError("failed", cmd, words, "not_found", 404);
  if (/JSONDecodeError|ParserError|ValueError/.test(said)) throw new CliError("failed", cmd, words, "http", 400);
  throw new CliError("failed", cmd, words);
}

/** AirflowConsole's table (`a | b` over `==+==`) as rows of text. */
export function parseTable(text: string): Record<string, string>[] {
  const lines = clean(text).split("\n");
  const sep = lines.findIndex((l) => /^=+(=\+=+)*=*\s*$/.test(l.trim()) && l.includes("="));
  if (sep < 1) return [];
  const header = lines[sep - 1]!.split("|").map((h) => h.trim());
  const rows: Record<string, string>[] = [];
  for (const l of lines.slice(sep + 1)) {
    if (!l.trim()) break;
    const cells = l.split("|").map((c) => c.trim());
    rows.push(Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ""])));
  }
  return rows;
}

const notConfirmed = (command: string, what: string) =>
  new AirflowError({ kind: "bad_response", message: `the Airflow CLI answered \`${short(command)}\` without confirming ${what}` });

/** The run `dags trigger` created, from either output format. */
export function parseTriggered(command: string, out: CliOut, dagId: string, runId: string, now: number): DagRun {
  checkWrite(command, out);
  const text = clean(out.stdout);
  if (!text.includes(runId)) throw notConfirmed(command, `run ${runId}`);
  const esc = runId.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const created = new RegExp(`@ (.+?): ${esc}`).exec(text)?.[1];
  const row = parseTable(text).find((r) => r.dag_run_id === runId || r.run_id === runId);
  const logicalDate = isoOf(created ?? row?.logical_date ?? row?.execution_date);
  return { dagId, runId, state: "queued", runType: "manual", logicalDate, startDate: null, endDate: null, updatedAt: logicalDate ?? new Date(now).toISOString() };
}

/** `done`, or `unchanged` when the CLI found nothing to change (already so, or no such DAG: the caller tells which). */
export function parsePaused(command: string, out: CliOut, dagId: string): "done" | "unchanged" {
  checkWrite(command, out);
  const text = clean(out.stdout);
  if (/No (un)?paused DAGs were found/i.test(text)) return "unchanged";
  if (text.includes(`Dag: ${dagId}, paused:`) || parseTable(text).some((r) => r.dag_id === dagId)) return "done";
  throw notConfirmed(command, `that ${dagId} changed`);
}

/** Failed task instances (`failed`, `upstream_failed`: what `--only-failed` clears) in `tasks states-for-dag-run -o json`. */
export function countFailed(command: string, out: CliOut): number {
  checkWrite(command, out);
  return parseJsonList(command, out).filter((r) => /^(upstream_)?failed$/i.test(String(r.state ?? ""))).length;
}

/** Whether `tasks clear --yes` found anything to clear. */
export function parseCleared(command: string, out: CliOut): boolean {
  checkWrite(command, out);
  return !/No task instances to clear/i.test(clean(out.stdout));
}
