import { AirflowError, isAirflowError } from "../errors";
import type { CliRunner } from "../mwaa/cli-runner";
import type { Connector, Dag, DagRun, Health, ImportError, Page, PlatformInfo, VersionInfo } from "../types";
import { dagFromRow, importErrorFromRow, isCliUnsupported, parseJobCheck, parseJsonList, parseVersion, runFromRow } from "./output";
import { RunCache, type SweepStats } from "./run-cache";

/**
 * A `Connector` that reads the domain model through the Airflow CLI instead of the REST API (MWAA
 * `access: cli`: environments on 2.0.2/2.2.2 have no REST API, and some IAM policies grant only
 * `airflow:CreateCliToken`). Per cycle:
 * - health: `jobs check --job-type SchedulerJob` (+ `TriggererJob` where MWAA runs a triggerer);
 *   the CLI reports alive or not, never a heartbeat time;
 * - DAGs: `dags list -o json` and `dags list-import-errors -o json` (one call each, not paged);
 * - runs: `dags list-runs -d {dag} -o json` once per DAG, spread over the runs cycle
 *   (see run-cache.ts).
 */

export interface CliConnectorOptions {
  runner: CliRunner;
  /** Human label for messages, e.g. `MWAA environment sales`. */
  where: string;
  getPlatform(signal: AbortSignal): Promise<PlatformInfo | null>;
  /** The Airflow version the control plane reports (chooses commands), null until known. */
  airflowVersion(): string | null;
  uiUrl(): string | null;
  /** Extra limitations the caller knows of (e.g. no control-plane access). */
  limitations?(): string[];
  /** Per-DAG run calls are spread over this many ms (most of `refresh.runs`). */
  runsSpreadMs: number;
  /** CLI calls in flight at most for the run sweep (default 2). */
  concurrency?: number;
  now?: () => number;
}

export interface CliCost {
  tokens: number;
  commands: number;
  sweep: SweepStats;
}

export type CliConnector = Connector & { cliCost(): CliCost };

/** MWAA runs a triggerer from Airflow 2.7 (deferrable operators); before that `TriggererJob` is never alive. */
export function hasTriggerer(version: string | null): boolean {
  const m = /^v?(\d+)\.(\d+)/.exec(version ?? "");
  return !!m && (Number(m[1]) > 2 || (Number(m[1]) === 2 && Number(m[2]) >= 7));
}

/** Quotes one CLI argument the way a shell would accept it back (DAG ids are `[\w.-]+` in Airflow). */
function arg(v: string): string {
  return /^[\w.-]+$/.test(v) ? v : `'${v.replace(/'/g, `'"'"'`)}'`;
}

export function createCliConnector(opts: CliConnectorOptions): CliConnector {
  const run = (cmd: string, signal: AbortSignal) => opts.runner.run(cmd, signal);
  let lastDags: { at: number; dags: Dag[] } | null = null;
  let lastImportErrors: ImportError[] | null = null;
  let detectedVersion: string | null = null;
  const limits = new Set<string>();
  const now = opts.now ?? Date.now;

  const version = () => opts.airflowVersion() ?? detectedVersion;

  const fetchDags = async (signal: AbortSignal): Promise<Dag[]> => {
    const cmd = "dags list -o json";
    const dags = parseJsonList(cmd, await run(cmd, signal))
      .map(dagFromRow)
      .filter((d): d is Dag => d !== null);
    lastDags = { at: now(), dags };
    return dags;
  };

  const fetchRuns = async (dagId: string, signal: AbortSignal): Promise<DagRun[]> => {
    const cmd = `dags list-runs -d ${arg(dagId)} -o json`;
    const out = await run(cmd, signal);
    try {
      return parseJsonList(cmd, out)
        .map(runFromRow)
        .filter((r): r is DagRun => r !== null);
    } catch (e) {
      if (/does not exist|not found|could not be found/i.test(out.stderr)) {
        throw new AirflowError({ kind: "not_found", message: `DAG ${dagId} not found in ${opts.where}`, httpStatus: 404, cause: e });
      }
      throw e;
    }
  };

  const cache = new RunCache({
    fetchRuns,
    dags: async (signal) => (lastDags?.dags ?? (await fetchDags(signal))).map((d) => d.dagId),
    spreadMs: opts.runsSpreadMs,
    concurrency: opts.concurrency ?? 2,
    now,
  });

  const jobCheck = async (job: string, signal: AbortSignal): Promise<Health["scheduler"]> => {
    const cmd = `jobs check --job-type ${job}`;
    try {
      return parseJobCheck(cmd, await run(cmd, signal)) === "alive" ? "healthy" : "unhealthy";
    } catch (e) {
      if (!isCliUnsupported(e)) throw e;
      limits.add(`the Airflow CLI of ${version() ?? "this version"} has no \`jobs check\`: ${job === "SchedulerJob" ? "scheduler" : "triggerer"} state unknown`);
      return null;
    }
  };

  const toError = (e: unknown): AirflowError =>
    isAirflowError(e)
      ? (e as AirflowError)
      : new AirflowError({ kind: "bad_response", message: `unexpected failure reading ${opts.where} through the Airflow CLI`, cause: e });

  const guard = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      throw toError(e);
    }
  };

  return {
    kind: "mwaa",
    getPlatform: (signal) => guard(() => opts.getPlatform(signal)),
    getHealth: (signal) =>
      guard(async () => {
        const scheduler = await jobCheck("SchedulerJob", signal);
        // No `jobs check` (2.0.2): `version` still proves the CLI endpoint answers.
        if (scheduler === null) detectedVersion = parseVersion("version", await run("version", signal));
        const triggerer = hasTriggerer(version()) ? await jobCheck("TriggererJob", signal) : null;
        return {
          // `jobs check` reads the jobs table: an answer means the metadatabase answered too.
          metadatabase: scheduler === null ? null : "healthy",
          scheduler,
          triggerer,
          dagProcessor: null,
          schedulerHeartbeat: null,
          triggererHeartbeat: null,
          dagProcessorHeartbeat: null,
          source: "cli",
        };
      }),
    getVersion: (signal) =>
      guard(async (): Promise<VersionInfo> => {
        detectedVersion = parseVersion("version", await run("version", signal));
        return { version: detectedVersion, gitVersion: null };
      }),
    apiVersion: () => null,
    uiUrl: () => opts.uiUrl(),
    listDags: (page, signal) =>
      guard(async (): Promise<Page<Dag>> => {
        // One call gives every DAG; later pages of the same pass reuse it.
        const dags = page.offset === 0 || !lastDags ? await fetchDags(signal) : lastDags.dags;
        return { items: dags.slice(page.offset, page.offset + page.limit), total: dags.length };
      }),
    listImportErrors: (page, signal) =>
      guard(async (): Promise<Page<ImportError>> => {
        if (page.offset === 0 || !lastImportErrors) {
          const cmd = "dags list-import-errors -o json";
          try {
            lastImportErrors = parseJsonList(cmd, await run(cmd, signal)).map(importErrorFromRow);
          } catch (e) {
            if (!isCliUnsupported(e)) throw e;
            limits.add(`the Airflow CLI of ${version() ?? "this version"} has no \`dags list-import-errors\`: import errors unknown`);
            lastImportErrors = [];
          }
        }
        return { items: lastImportErrors.slice(page.offset, page.offset + page.limit), total: lastImportErrors.length };
      }),
    listRuns: (query, signal) => guard(() => cache.query(query, signal)),
    listDagRuns: (dagId, limit, signal) => guard(() => cache.dagRuns(dagId, limit, signal)),
    limitations: () => ["read through the Airflow CLI (no REST API): no heartbeat ages", ...limits, ...(opts.limitations?.() ?? [])],
    close: () => cache.close(),
    cliCost: () => ({ ...opts.runner.counts(), sweep: { ...cache.stats } }),
  };
}
