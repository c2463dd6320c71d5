import type { ApiVersion, Dag, DagRun, ImportError } from "@/lib/airflow/types";
import type { EnvironmentConfig } from "@/lib/config/types";
import type { DagRunDto, EnvironmentSummary } from "./dto";
import { RunIndex, type DagRuns, type RunLookup } from "./run-store";
import { dagRunUrl } from "./urls";

/**
 * What every reader sees of one environment: the monitor publishes a new one after each poll (and
 * on uptime, mirror and action updates) and never changes a published one. Views, access checks,
 * the API, the event stream, history and alerting read only this; the polling state stays private
 * to the runtime. Plain data plus derived reads, so a follower replica can build the same thing
 * from what the leader stored.
 */

export interface LatencySample {
  /** ms since the epoch. */
  at: number;
  /** null: the health call failed. */
  ms: number | null;
}

export interface FailingDag {
  dagId: string;
  lastRun: DagRun;
}

/**
 * What a follower replica loads of the leader's DAG cache (contract §11), each part only when it
 * changed: the DAG list with import errors, the per-DAG runs (all, or the changed DAGs), the
 * poll times with the recent failures, and the latency samples.
 */
export interface MirroredDags {
  list?: { dags: ReadonlyMap<string, Dag> | null; importErrors: readonly ImportError[] | null };
  runs?: { entries: Iterable<[string, DagRuns]>; full: boolean };
  meta?: Pick<EnvironmentSnapshotData, "dagsAt" | "runsLoaded" | "runsAt" | "runsCursor" | "recentFailed">;
  latencyHistory?: readonly LatencySample[];
}

export interface EnvironmentSnapshotData {
  readonly config: EnvironmentConfig;
  readonly summary: EnvironmentSummary;
  /** When the current status began (ms); null while unknown. */
  readonly statusSince: number | null;
  /** When this process last polled health (ms); null: not yet (the summary may be a restored one). */
  readonly checkedAt: number | null;
  readonly lastSuccessAt: number | null;
  /** True while the summary shown is the one history kept from before a restart. */
  readonly showingRestored: boolean;
  /** The DAG list by id; null until it first arrived. */
  readonly dags: ReadonlyMap<string, Dag> | null;
  /** When the DAG list and the runs last arrived (ms; null: never). */
  readonly dagsAt: number | null;
  readonly importErrors: readonly ImportError[] | null;
  /** Each DAG's newest, latest finished and last successful run. */
  readonly runs: RunIndex;
  /** Whether a runs poll completed (until then failing DAGs are not known). */
  readonly runsLoaded: boolean;
  readonly runsAt: number | null;
  /** The incremental runs cursor (ISO) the next runs poll starts from; null before seeding. */
  readonly runsCursor: string | null;
  /** Failed runs that started in the last 24 h, newest first (at most 50), as of the last runs poll. */
  readonly recentFailed: readonly DagRun[];
  readonly latencyHistory: readonly LatencySample[];
  /** Where deep links point, and in which UI dialect. */
  readonly uiUrl: string | null;
  readonly apiVersion: ApiVersion | null;
}

/** Active (unpaused, listed) DAGs whose most recent finished run failed, by id. */
export function failingDagsOf(dags: ReadonlyMap<string, Dag> | null, runs: RunLookup): FailingDag[] {
  if (!dags) return [];
  const out: FailingDag[] = [];
  for (const d of dags.values()) {
    if (d.paused || !d.active) continue;
    const last = runs.latestFinished(d.dagId);
    if (last?.state === "failed") out.push({ dagId: d.dagId, lastRun: last });
  }
  return out.sort((a, b) => a.dagId.localeCompare(b.dagId));
}

export function runDtoOf(r: DagRun, uiUrl: string | null, apiVersion: ApiVersion | null): DagRunDto {
  const start = r.startDate ? Date.parse(r.startDate) : NaN;
  const end = r.endDate ? Date.parse(r.endDate) : NaN;
  return {
    dagId: r.dagId,
    runId: r.runId,
    state: r.state,
    runType: r.runType,
    logicalDate: r.logicalDate,
    startDate: r.startDate,
    endDate: r.endDate,
    durationS: Number.isNaN(start) || Number.isNaN(end) ? null : Math.round((end - start) / 100) / 10,
    url: dagRunUrl(uiUrl, apiVersion, r.dagId, r.runId),
  };
}

export class EnvironmentSnapshot implements EnvironmentSnapshotData {
  readonly config!: EnvironmentConfig;
  readonly summary!: EnvironmentSummary;
  readonly statusSince!: number | null;
  readonly checkedAt!: number | null;
  readonly lastSuccessAt!: number | null;
  readonly showingRestored!: boolean;
  readonly dags!: ReadonlyMap<string, Dag> | null;
  readonly dagsAt!: number | null;
  readonly importErrors!: readonly ImportError[] | null;
  readonly runs!: RunIndex;
  readonly runsLoaded!: boolean;
  readonly runsAt!: number | null;
  readonly runsCursor!: string | null;
  readonly recentFailed!: readonly DagRun[];
  readonly latencyHistory!: readonly LatencySample[];
  readonly uiUrl!: string | null;
  readonly apiVersion!: ApiVersion | null;
  /** The summary serialized once per snapshot: the event stream compares and sends this string. */
  readonly summaryJson: string;
  private failing: FailingDag[] | undefined;

  constructor(data: EnvironmentSnapshotData, summaryJson?: string) {
    Object.assign(this, data);
    this.summaryJson = summaryJson ?? JSON.stringify(data.summary);
  }

  get id(): string {
    return this.config.id;
  }

  /** The same snapshot with some fields replaced (a new object; this one stays as it is). */
  with(changes: Partial<EnvironmentSnapshotData>): EnvironmentSnapshot {
    const data: EnvironmentSnapshotData = { ...this.data(), ...changes };
    return new EnvironmentSnapshot(data, changes.summary && changes.summary !== this.summary ? undefined : this.summaryJson);
  }

  private data(): EnvironmentSnapshotData {
    const { config, summary, statusSince, checkedAt, lastSuccessAt, showingRestored, dags, dagsAt, importErrors, runs, runsLoaded, runsAt, runsCursor, recentFailed, latencyHistory, uiUrl, apiVersion } = this;
    return { config, summary, statusSince, checkedAt, lastSuccessAt, showingRestored, dags, dagsAt, importErrors, runs, runsLoaded, runsAt, runsCursor, recentFailed, latencyHistory, uiUrl, apiVersion };
  }

  /** Whether the DAG list is known and has this DAG. */
  hasDag(dagId: string): boolean {
    return this.dags?.has(dagId) ?? false;
  }

  /** Active DAGs whose last finished run failed (computed once per snapshot). */
  failingDags(): readonly FailingDag[] {
    this.failing ??= failingDagsOf(this.dags, this.runs);
    return this.failing;
  }

  runDto(r: DagRun): DagRunDto {
    return runDtoOf(r, this.uiUrl, this.apiVersion);
  }
}
