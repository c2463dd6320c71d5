import type { ConnectorChannel } from "../connector-kit";
import { AirflowError } from "../errors";
import type { CliRunner } from "../mwaa/cli-runner";
import type { Connector, Dag, DagRun, Health, ImportError, Page, VersionInfo } from "../types";
import { dagFromRow, importErrorFromRow, isCliUnsupported, parseJobCheck, parseJsonList, parseVersion, runFromRow } from "./output";
import { RunCache, type SweepStats } from "./run-cache";
import { arg, clearCommand, countFailed, manualRunId, parseCleared, parsePaused, parseTriggered, pauseCommand, statesCommand, triggerCommand } from "./writes";

/**
 * The connector kit's channel (connector-kit.ts) that reads the domain model through the Airflow CLI instead of the REST API (MWAA
 * `access: cli`: environments on 2.0.2/2.2.2 have no REST API, and some IAM policies grant only
 * `airflow:CreateCliToken`). Per cycle:
 * - health: `jobs check --job-type SchedulerJob` (+ `TriggererJob` where MWAA runs a triggerer);
 *   the CLI reports alive or not, never a heartbeat time;
 * - DAGs: `dags list -o json` and `dags list-import-errors -o json` (one call each, not paged);
 * - runs: `dags list-runs -d {dag} -o json` once per DAG, spread over the runs cycle
 *   (see run-cache.ts).
 */

export interface CliChannelOptions {
  runner: CliRunner;
  /** Human label for messages, e.g. `MWAA environment sales`. */
  where: string;
  /** The Airflow version the control plane reports (chooses commands), null until known. */
  airflowVersion(): string | null;
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

export type CliChannel = ConnectorChannel & { limitations(): string[]; close(): void; cliCost(): CliCost };

/** A version `airflow version` printed is reused this long (a DAG cycle asks it when no control plane says). */
const VERSION_TTL_MS = 30 * 60_000;

/** MWAA runs a triggerer from Airflow 2.7 (deferrable operators); before that `TriggererJob` is never alive. */
function hasTriggerer(version: string | null): boolean {
  const m = /^v?(\d+)\.(\d+)/.exec(version ?? "");
  return !!m && (Number(m[1]) > 2 || (Number(m[1]) === 2 && Number(m[2]) >= 7));
}

export function createCliChannel(opts: CliChannelOptions): CliChannel {
  const run = (cmd: string, signal: AbortSignal) => opts.runner.run(cmd, signal);
  let lastDags: { at: number; dags: Dag[] } | null = null;
  let lastImportErrors: ImportError[] | null = null;
  let detected: { version: string; at: number } | null = null;
  const limits = new Set<string>();
  const now = opts.now ?? Date.now;

  const version = () => opts.airflowVersion() ?? detected?.version ?? null;
  const readVersion = async (signal: AbortSignal): Promise<string> => {
    detected = { version: parseVersion("version", await run("version", signal)), at: now() };
    return detected.version;
  };

  const fetchDags = async (signal: AbortSignal): Promise<Dag[]> => {
    const cmd = "dags list -o json";
    const dags = parseJsonList(cmd, await run(cmd, signal))
      .map(dagFromRow)
      .filter((d): d is Dag => d !== null);
    lastDags = { at: now(), dags };
    return dags;
  };

  const fetchRuns = async (dagId: string, signal: AbortSignal): Promise<DagRun[]> => {
    // Airflow 3 takes the DAG id as a positional argument, Airflow 2 as `-d`.
    const v = version() ?? (await readVersion(signal));
    const cmd = `dags list-runs ${/^v?([3-9]|\d{2,})\./.test(v) ? "" : "-d "}${arg(dagId)} -o json`;
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

  // Errors are typed by the kit (createConnector), which also adds the platform and the UI base.
  return {
    getHealth: async (signal) => {
      const scheduler = await jobCheck("SchedulerJob", signal);
      // No `jobs check` (2.0.2): `version` still proves the CLI endpoint answers.
      if (scheduler === null) await readVersion(signal);
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
    },
    getVersion: async (signal): Promise<VersionInfo> => {
      // Asked every DAG cycle when no control plane reports it: a recent answer is reused.
      const fresh = detected && now() - detected.at < VERSION_TTL_MS ? detected.version : null;
      return { version: fresh ?? (await readVersion(signal)), gitVersion: null };
    },
    listDags: async (page, signal): Promise<Page<Dag>> => {
      // One call gives every DAG; later pages of the same pass reuse it.
      const dags = page.offset === 0 || !lastDags ? await fetchDags(signal) : lastDags.dags;
      return { items: dags.slice(page.offset, page.offset + page.limit), total: dags.length };
    },
    listImportErrors: async (page, signal): Promise<Page<ImportError>> => {
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
    },
    listRuns: (query, signal) => cache.query(query, signal),
    listDagRuns: (dagId, limit, signal) => cache.dagRuns(dagId, limit, signal),
    // Writes (writes.ts) share the sweep's bound on CLI calls in flight; each is sent once.
    triggerRun: async (dagId, input, signal) => {
      const runId = manualRunId(now());
      const cmd = triggerCommand(dagId, runId, input.conf);
      const out = await cache.withSlot(() => run(cmd, signal));
      cache.forget(dagId);
      return parseTriggered(cmd, out, dagId, runId, now());
    },
    clearFailed: async (dagId, runId, signal) => {
      let found = cache.find(dagId, runId);
      if (!found) {
        found = (await cache.withSlot(() => fetchRuns(dagId, signal))).find((r) => r.runId === runId);
      }
      if (!found) throw new AirflowError({ kind: "not_found", message: `run ${runId} of DAG ${dagId} not found in ${opts.where}`, httpStatus: 404 });
      if (!found.logicalDate) {
        throw new AirflowError({ kind: "http", httpStatus: 400, message: `run ${runId} of ${dagId} has no logical date: the Airflow CLI clears task instances by logical-date range only` });
      }
      const v = version() ?? (await readVersion(signal));
      const states = statesCommand(v, dagId, found);
      const failed = countFailed(states, await cache.withSlot(() => run(states, signal)));
      const cmd = clearCommand(dagId, found.logicalDate);
      const out = await cache.withSlot(() => run(cmd, signal));
      cache.forget(dagId);
      // `--yes` prints no count: the failed ones counted just before are what it cleared.
      return parseCleared(cmd, out) ? Math.max(failed, 1) : 0;
    },
    setPaused: async (dagId, paused, signal) => {
      const cmd = pauseCommand(dagId, paused);
      const outcome = parsePaused(cmd, await cache.withSlot(() => run(cmd, signal)), dagId);
      if (outcome === "unchanged") {
        // Already so, or no such DAG: the CLI says the same for both; `dags list` tells which.
        const dag = (await fetchDags(signal)).find((d) => d.dagId === dagId);
        if (!dag) throw new AirflowError({ kind: "not_found", message: `DAG ${dagId} not found in ${opts.where}`, httpStatus: 404 });
        return dag;
      }
      const known = lastDags?.dags.find((d) => d.dagId === dagId);
      if (known) known.paused = paused;
      return { ...(known ?? dagFromRow({ dag_id: dagId })!), paused };
    },
    limitations: () => ["read through the Airflow CLI (no REST API): no heartbeat ages", ...limits],
    close: () => cache.close(),
    cliCost: () => ({ ...opts.runner.counts(), sweep: { ...cache.stats } }),
  };
}
