import { isAirflowError } from "@/lib/airflow/errors";
import type { Connector, Dag, DagRun, Health, ImportError, PlatformInfo } from "@/lib/airflow/types";
import type { EnvironmentConfig } from "@/lib/config/types";
import { iso } from "./clock";
import type { DagRunDto, EnvironmentError, EnvironmentSummary, ErrorCode } from "./dto";
import { RunStore } from "./run-store";
import { classifyPlatform, computeStatus } from "./status";
import { dagRunUrl } from "./urls";

const PAGE = 100;
/** Runs fetched on the first poll: enough for the 24 h counts. */
const INITIAL_LOOKBACK_MS = 24 * 3600 * 1000;
/** The next cursor overlaps the last one so a run updated while we paged is never skipped. */
const CURSOR_OVERLAP_MS = 60 * 1000;
/** Safety net: never page forever through a misbehaving server. */
const MAX_PAGES = 2000;
const LATENCY_SAMPLES = 120;

export function toEnvironmentError(e: unknown): EnvironmentError {
  if (isAirflowError(e)) {
    const code: ErrorCode = e.kind === "not_found" ? "http" : e.kind;
    return { code, message: e.message, httpStatus: e.httpStatus };
  }
  // Anything else is a bug or an unexpected upstream shape; say so without leaking details.
  return { code: "bad_response", message: `unexpected failure: ${e instanceof Error ? e.name : "error"}`, httpStatus: null };
}

/** Everything the monitor knows about one environment, and the three polls that refresh it. */
export class EnvironmentRuntime {
  checkedAt: number | null = null;
  lastSuccessAt: number | null = null;
  pollError: EnvironmentError | null = null;
  platform: PlatformInfo | null = null;
  /** Health of the last poll that answered; kept as the last good data when a poll fails. */
  health: Health | null = null;
  healthAnswered = false;
  latencyMs: number | null = null;
  readonly latencyHistory: { at: number; ms: number | null }[] = [];
  airflowVersion: string | null = null;

  dags: Map<string, Dag> | null = null;
  importErrors: ImportError[] | null = null;
  dagsError: EnvironmentError | null = null;
  readonly runs = new RunStore();
  runsLoaded = false;
  runsError: EnvironmentError | null = null;

  summary: EnvironmentSummary;
  /** Serialized summary, for change detection. */
  summaryJson = "";

  constructor(
    readonly config: EnvironmentConfig,
    readonly connector: Connector,
    readonly monitoredSince: number,
  ) {
    this.summary = this.buildSummary(monitoredSince, 1);
  }

  /** Control plane, then health (and the version when unknown). */
  async pollHealth(now: () => number, signal: AbortSignal): Promise<void> {
    let error: EnvironmentError | null = null;
    let answered = false;
    let latency: number | null = null;
    try {
      const platform = await this.connector.getPlatform(signal);
      this.platform = platform;
      if (platform?.airflowVersion) this.airflowVersion = platform.airflowVersion;
      if (platform && classifyPlatform(this.connector.kind, platform.state) === "broken") {
        // The control plane answered for the environment: its web server is not expected to.
        answered = true;
      } else {
        const t0 = now();
        const health = await this.connector.getHealth(signal);
        latency = Math.max(0, now() - t0);
        this.health = health;
        answered = true;
        if (!this.airflowVersion || this.connector.kind === "airflow") {
          if (!this.airflowVersion) this.airflowVersion = (await this.connector.getVersion(signal)).version;
        }
      }
    } catch (e) {
      error = toEnvironmentError(e);
    }
    const at = now();
    this.checkedAt = at;
    this.pollError = error;
    this.healthAnswered = answered && !error;
    if (this.healthAnswered) this.lastSuccessAt = at;
    this.latencyMs = latency;
    this.latencyHistory.push({ at, ms: latency });
    if (this.latencyHistory.length > LATENCY_SAMPLES) this.latencyHistory.shift();
  }

  /** The DAG list and import errors, paged by `total_entries`. */
  async pollDags(signal: AbortSignal): Promise<void> {
    try {
      const dags = new Map<string, Dag>();
      for (let offset = 0, pages = 0; pages < MAX_PAGES; pages++) {
        const page = await this.connector.listDags({ offset, limit: PAGE }, signal);
        for (const d of page.items) dags.set(d.dagId, d);
        offset += page.items.length;
        if (page.items.length === 0 || offset >= page.total) break;
      }
      const errors: ImportError[] = [];
      for (let offset = 0, pages = 0; pages < MAX_PAGES; pages++) {
        const page = await this.connector.listImportErrors({ offset, limit: PAGE }, signal);
        errors.push(...page.items);
        offset += page.items.length;
        if (page.items.length === 0 || offset >= page.total) break;
      }
      this.dags = dags;
      this.importErrors = errors;
      this.runs.retainDags(new Set(dags.keys()));
      this.dagsError = null;
      // A new version may have been detected on the way (upgrades).
      if (this.connector.kind === "airflow") this.airflowVersion = (await this.connector.getVersion(signal)).version;
    } catch (e) {
      this.dagsError = toEnvironmentError(e);
    }
  }

  /** Runs changed since the cursor, across all DAGs, in pages; no per-DAG calls. */
  async pollRuns(now: number, signal: AbortSignal): Promise<void> {
    const cursor = this.runs.cursor ?? iso(now - INITIAL_LOOKBACK_MS);
    try {
      let maxUpdated = Date.parse(cursor);
      for (let offset = 0, pages = 0; pages < MAX_PAGES; pages++) {
        const page = await this.connector.listRuns({ updatedAtGte: cursor, offset, limit: PAGE }, signal);
        for (const r of page.items) {
          this.runs.ingest(r, now);
          const u = r.updatedAt ? Date.parse(r.updatedAt) : NaN;
          if (!Number.isNaN(u) && u > maxUpdated) maxUpdated = u;
        }
        offset += page.items.length;
        if (page.items.length === 0 || offset >= page.total) break;
      }
      // Never move the cursor past our own clock (a skewed server must not make us skip runs).
      const next = Math.min(maxUpdated, now) - CURSOR_OVERLAP_MS;
      this.runs.cursor = iso(Math.max(next, Date.parse(cursor)));
      this.runs.prune(now);
      this.runsLoaded = true;
      this.runsError = null;
    } catch (e) {
      this.runsError = toEnvironmentError(e);
    }
  }

  uiUrl(): string | null {
    return this.config.uiUrl ?? this.platform?.uiUrl ?? this.connector.uiUrl();
  }

  runDto(r: DagRun): DagRunDto {
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
      url: dagRunUrl(this.uiUrl(), this.connector.apiVersion(), r.dagId, r.runId),
    };
  }

  /** Active (unpaused, listed) DAGs whose most recent finished run failed. */
  failingDags(): { dagId: string; lastRun: DagRun }[] {
    if (!this.dags) return [];
    const out: { dagId: string; lastRun: DagRun }[] = [];
    for (const d of this.dags.values()) {
      if (d.paused || !d.active) continue;
      const last = this.runs.latestFinished(d.dagId);
      if (last?.state === "failed") out.push({ dagId: d.dagId, lastRun: last });
    }
    return out.sort((a, b) => a.dagId.localeCompare(b.dagId));
  }

  /** Recomputes the summary; returns true when it changed. */
  refreshSummary(now: number, healthIntervalMs: number): boolean {
    this.summary = this.buildSummary(now, healthIntervalMs);
    const json = JSON.stringify(this.summary);
    const changed = json !== this.summaryJson;
    this.summaryJson = json;
    return changed;
  }

  private buildSummary(now: number, healthIntervalMs: number): EnvironmentSummary {
    const failing = this.dags && this.runsLoaded ? this.failingDags().length : null;
    const dataErrors = [this.dagsError, this.runsError].filter((e): e is EnvironmentError => e !== null);
    const { status, reasons, stale } = computeStatus({
      kind: this.connector.kind,
      now,
      healthIntervalMs,
      checkedAt: this.checkedAt,
      monitoredSince: this.monitoredSince,
      lastSuccessAt: this.lastSuccessAt,
      pollError: this.pollError,
      platformState: this.platform?.state ?? null,
      health: this.healthAnswered ? this.health : null,
      dataErrors,
      importErrors: this.importErrors?.length ?? null,
      failingDags: failing,
    });
    const h = this.health;
    let dagCounts: EnvironmentSummary["dags"] = null;
    if (this.dags) {
      let paused = 0;
      for (const d of this.dags.values()) if (d.paused) paused++;
      dagCounts = { total: this.dags.size, active: this.dags.size - paused, paused, failing: failing ?? 0, importErrors: this.importErrors?.length ?? 0 };
    }
    return {
      id: this.config.id,
      name: this.config.name,
      kind: this.connector.kind,
      tags: this.config.tags,
      status,
      reasons: status === "healthy" ? [] : reasons,
      airflowVersion: this.airflowVersion,
      apiVersion: this.connector.apiVersion(),
      uiUrl: this.uiUrl(),
      checkedAt: this.checkedAt === null ? null : iso(this.checkedAt),
      lastSuccessAt: this.lastSuccessAt === null ? null : iso(this.lastSuccessAt),
      stale,
      latencyMs: this.latencyMs === null ? null : Math.round(this.latencyMs),
      components: h ? { metadatabase: h.metadatabase, scheduler: h.scheduler, triggerer: h.triggerer, dagProcessor: h.dagProcessor } : null,
      schedulerHeartbeat: h?.schedulerHeartbeat ?? null,
      platform: this.platform ? { state: this.platform.state } : null,
      dags: dagCounts,
      runs: this.runsLoaded ? this.runs.counts(now) : null,
      error: this.pollError ?? this.dagsError ?? this.runsError,
    };
  }
}
