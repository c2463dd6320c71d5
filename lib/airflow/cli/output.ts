import { AirflowError } from "../errors";
import type { Dag, DagRun, DagRunState, ImportError } from "../types";

/**
 * Reading the Airflow CLI's printed output (as `/aws_mwaa/cli` relays it) into the domain model, for
 * the versions MWAA runs: 2.0.2, 2.2.2 and 2.4.3+. What differs between them, and is handled here:
 * - log lines (`[2021-…] {dagbag.py:…} INFO - Filling up the DagBag…`) and warnings share stdout
 *   with the JSON, so the JSON is found rather than assumed to be all of stdout;
 * - 2.0.2 prints values as Python made them (booleans, `None`), 2.1+ stringifies every value
 *   (`"True"`, `"None"`); `dags list` has no `paused` column before 2.1;
 * - `jobs check` and `dags list-import-errors` do not exist before 2.1, so 2.0.2 answers with an
 *   argparse error (`invalid choice`) that becomes an `unsupported` CliError.
 */

export type CliErrorReason = "unsupported" | "failed";

/** A command the CLI refused or failed, with the CLI's own words. */
export class CliError extends AirflowError {
  readonly reason: CliErrorReason;
  readonly command: string;
  constructor(reason: CliErrorReason, command: string, words: string, kind: AirflowError["kind"] = "http", httpStatus?: number) {
    super({
      kind,
      message: `the Airflow CLI ${reason === "unsupported" ? "does not support" : "failed"} \`${command}\`: ${words}`,
      httpStatus,
    });
    this.reason = reason;
    this.command = command;
  }
}

export function isCliUnsupported(e: unknown): boolean {
  return e instanceof CliError && e.reason === "unsupported";
}

const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

export function clean(s: string): string {
  return s.replace(ANSI, "").replace(/\r/g, "");
}

/** The CLI's own words: the last meaningful line of stderr (or stdout), trimmed for a message. */
function words(text: string): string {
  const lines = clean(text)
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !/^usage:|^\s*\[-/.test(l) && !/Warning\b/.test(l));
  const pick = lines.find((l) => /error|invalid choice|not supported|does not exist|No alive/i.test(l)) ?? lines[lines.length - 1] ?? "no output";
  return pick.length > 300 ? `${pick.slice(0, 297)}…` : pick;
}

const UNSUPPORTED = /invalid choice|unrecognized arguments|the following arguments are required|not (a )?supported|not allowed/i;
const FAILED = /Traceback \(most recent call last\)|command error|^\s*\w*Error: /m;

/** Throws a CliError when the output is an argparse refusal or a crash rather than an answer. */
export function checkOutput(command: string, out: { stdout: string; stderr: string }): void {
  const err = clean(out.stderr);
  // A warning that happens to say "not supported" next to a real answer is not a refusal.
  if (UNSUPPORTED.test(err) && !clean(out.stdout).trim()) throw new CliError("unsupported", command, words(err));
  if (FAILED.test(err) && !clean(out.stdout).trim()) throw new CliError("failed", command, words(err));
}

/** `airflow version` → "2.2.2" (any warnings around it ignored). */
export function parseVersion(command: string, out: { stdout: string; stderr: string }): string {
  checkOutput(command, out);
  const m = /^\s*v?(\d+\.\d+\.\d+[^\s]*)\s*$/m.exec(clean(out.stdout));
  if (!m) throw new CliError("failed", command, words(out.stderr || out.stdout), "bad_response");
  return m[1]!;
}

/**
 * `airflow jobs check --job-type X`: "Found one alive job." / "Found N alive jobs." on stdout, or
 * "No alive jobs found." (SystemExit, so stderr) when the job's heartbeat is too old or absent.
 */
export function parseJobCheck(command: string, out: { stdout: string; stderr: string }): "alive" | "none" {
  checkOutput(command, out);
  const all = `${clean(out.stdout)}\n${clean(out.stderr)}`;
  if (/Found (one|\d+) alive jobs?/i.test(all)) return "alive";
  if (/No alive jobs found/i.test(all)) return "none";
  throw new CliError("failed", command, words(out.stderr || out.stdout), "bad_response");
}

/** The JSON list a `-o json` command printed, found among log lines; "No data found" is an empty list. */
export function parseJsonList(command: string, out: { stdout: string; stderr: string }): Record<string, unknown>[] {
  checkOutput(command, out);
  const text = clean(out.stdout);
  const lines = text.split("\n");
  let found: unknown[] | null = null;
  for (let i = lines.length - 1; i >= 0 && found === null; i--) {
    const l = lines[i]!.trim();
    if (!l.startsWith("[")) continue;
    for (const candidate of [l, lines.slice(i).join("\n").trim()]) {
      try {
        const v: unknown = JSON.parse(candidate);
        if (Array.isArray(v)) {
          found = v;
          break;
        }
      } catch {
        // a log line such as "[2021-12-01 10:00:00,000] {dagbag.py:496} INFO - …"
      }
    }
  }
  if (found === null) {
    if (/No data found/i.test(text) || (!text.trim() && !clean(out.stderr).trim())) return [];
    throw new CliError("failed", command, words(out.stderr || out.stdout), "bad_response");
  }
  if (!found.every((r) => r !== null && typeof r === "object" && !Array.isArray(r))) {
    throw new CliError("failed", command, "the JSON list holds something other than objects", "bad_response");
  }
  return found as Record<string, unknown>[];
}

/** A Python value as the CLI printed it: `None`/"" → null, everything else its text. */
function text(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  const s = String(v).trim();
  return s === "" || s === "None" ? null : s;
}

function bool(v: unknown): boolean | null {
  if (typeof v === "boolean") return v;
  const s = text(v)?.toLowerCase();
  return s === "true" ? true : s === "false" ? false : null;
}

/** Python `isoformat()` or `str()` of an aware datetime → ISO `Z`. */
export function isoOf(v: unknown): string | null {
  const s = text(v);
  if (!s) return null;
  const t = Date.parse(s.replace(" ", "T").replace(/(\.\d{3})\d+/, "$1"));
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

/** `dags list -o json` row: `dag_id`, `filepath`, `owner`, and from 2.1 `paused`. */
export function dagFromRow(row: Record<string, unknown>): Dag | null {
  const dagId = text(row.dag_id);
  if (!dagId) return null;
  const owner = text(row.owner ?? row.owners);
  return {
    dagId,
    displayName: null,
    // 2.0.2 has no paused column: an unknown DAG counts as unpaused, so a failure is never hidden.
    paused: bool(row.paused ?? row.is_paused) ?? false,
    active: true,
    tags: [],
    owners: owner ? owner.split(/,\s*/) : [],
    schedule: null,
    nextRunAt: null,
    hasImportErrors: false,
  };
}

/** `dags list-import-errors -o json` row: `filepath`, `error`. */
export function importErrorFromRow(row: Record<string, unknown>, index: number): ImportError {
  const filename = text(row.filepath ?? row.filename) ?? "(unknown file)";
  return { id: `${index + 1}:${filename}`, filename, timestamp: isoOf(row.timestamp), stackTrace: String(row.error ?? row.stack_trace ?? "") };
}

const RUN_STATES: ReadonlySet<string> = new Set<DagRunState>(["queued", "running", "success", "failed"]);

/** `dags list-runs -d X -o json` row: `dag_id`, `run_id`, `state`, `execution_date`, `start_date`, `end_date`. */
export function runFromRow(row: Record<string, unknown>): DagRun | null {
  const dagId = text(row.dag_id);
  const runId = text(row.run_id);
  const state = text(row.state)?.toLowerCase();
  if (!dagId || !runId || !state || !RUN_STATES.has(state)) return null;
  const logicalDate = isoOf(row.logical_date ?? row.execution_date);
  const startDate = isoOf(row.start_date);
  const endDate = isoOf(row.end_date);
  const runType = /^(\w+)__/.exec(runId)?.[1] ?? "manual";
  return { dagId, runId, state: state as DagRunState, runType, logicalDate, startDate, endDate, updatedAt: endDate ?? startDate ?? logicalDate };
}
