import { isAirflowError } from "@/lib/airflow/errors";
import type { Connector, Dag, DagRun, Health, ImportError, PlatformInfo } from "@/lib/airflow/types";
import type { EnvironmentConfig } from "@/lib/config/types";
import { iso } from "./clock";
import type { DagRunDto, EnvironmentError, EnvironmentSummary, ErrorCode, Knowledge, RunCounts, Uptime } from "./dto";
import { RunStore } from "./run-store";
import { freshnessOf } from "./freshness";
import { computeStatus, staleAt } from "./status";
import { frozenOf } from "./freezes";
import { dagRunUrl } from "./urls";

const PAGE = 100;
const DAY_MS = 24 * 3600 * 1000;
/** Failed runs kept for the environment page (contract: at most 50). */
const RECENT_FAILURES = 50;
/** Pages of newest runs read at start-up to learn most DAGs' last run. */
const SEED_PAGES = 5;
/** How far back start-up looks for DAGs whose latest run may have failed. */
const FAILURE_LOOKBACK_MS = 7 * DAY_MS;
const FAILURE_PAGES = 20;
/** At most this many DAGs are resolved one by one at start-up (most recent failures first). */
const MAX_RESOLVE = 100;
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
  /** When the DAG list and the runs last arrived (ms; null: never). */
  dagsAt: number | null = null;
  runsAt: number | null = null;
  readonly runs = new RunStore();
  runCounts: RunCounts | null = null;
  /** Failed runs that started in the last 24 h, newest first (at most 50), as of the last runs poll. */
  recentFailed: DagRun[] = [];
  runsLoaded = false;
  runsError: EnvironmentError | null = null;

  summary: EnvironmentSummary;
  /** When the summary turns stale unless a poll succeeds first (null while never polled). */
  staleAt: number | null = null;
  /** Serialized summary, for change detection. */
  summaryJson = "";
  /** When the current status began (ms); null while unknown. Survives restarts through `restore`. */
  statusSince: number | null = null;
  /** Uptime per window, computed by history in the background (contract §7). */
  uptime: Uptime = { "24h": null, "7d": null, "30d": null };
  /** The summary history kept from before a restart, shown (stale) until the first health poll. */
  private restored: EnvironmentSummary | null = null;

  constructor(
    readonly config: EnvironmentConfig,
    readonly connector: Connector,
    readonly monitoredSince: number,
  ) {
    this.summary = this.buildSummary(monitoredSince, 1);
  }

  /** Shows the last stored summary, `stale: true`, until this process's first health poll (contract §7). */
  restore(s: EnvironmentSummary): void {
    if (this.checkedAt !== null || s.status === "unknown") return;
    this.restored = s;
    this.statusSince = s.statusSince ? Date.parse(s.statusSince) : null;
    this.summary = this.buildSummary(this.monitoredSince, 1);
    this.summaryJson = JSON.stringify(this.summary);
  }

  /** A follower replica shows the leader's summary as is (contract §11); true when it changed. */
  mirror(s: EnvironmentSummary): boolean {
    const json = JSON.stringify(s);
    if (json === this.summaryJson) return false;
    this.restored = s;
    this.summary = s;
    this.summaryJson = json;
    this.statusSince = s.statusSince ? Date.parse(s.statusSince) : null;
    if (s.uptime) this.uptime = s.uptime;
    return true;
  }

  /** True while the summary shown is the one history kept from before a restart. */
  get showingRestored(): boolean {
    return this.checkedAt === null && this.restored !== null;
  }

  /** Puts new uptime figures into the summary without re-deciding the status; true when they changed. */
  setUptime(u: Uptime): boolean {
    const same = this.uptime["24h"] === u["24h"] && this.uptime["7d"] === u["7d"] && this.uptime["30d"] === u["30d"];
    this.uptime = u;
    if (same) return false;
    this.summary = { ...this.summary, uptime: u };
    this.summaryJson = JSON.stringify(this.summary);
    return true;
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
      if (this.platformBroken()) {
        // The control plane answered for the environment: its web server is not expected to.
        answered = true;
      } else {
        // Latency is wall time, whatever clock drives the schedule.
        const t0 = performance.now();
        const health = await this.connector.getHealth(signal);
        latency = performance.now() - t0;
        this.health = health;
        answered = true;
        if (!this.airflowVersion) this.airflowVersion = (await this.connector.getVersion(signal)).version;
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

  /** True while the control plane reports the environment broken: its web server is not called. */
  platformBroken(): boolean {
    return this.platform?.class === "broken";
  }

  /** The DAG list and import errors, paged by `total_entries`. */
  async pollDags(signal: AbortSignal, now: () => number = Date.now): Promise<void> {
    if (this.platformBroken()) return;
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
      this.dagsAt = now();
      // No control plane reports the version: ask Airflow again (upgrades).
      if (this.platform === null) this.airflowVersion = (await this.connector.getVersion(signal)).version;
    } catch (e) {
      this.dagsError = toEnvironmentError(e);
    }
  }

  /**
   * Runs, at a cost that does not grow with the DAG count: the 24 h counts and the recent failures
   * are asked of Airflow (`total_entries` of filtered lists), and each DAG's latest run is kept
   * current from the runs updated since the cursor. The first poll seeds it (see `seedRuns`).
   */
  async pollRuns(now: number, signal: AbortSignal): Promise<void> {
    if (this.platformBroken()) return;
    try {
      const since = iso(now - DAY_MS);
      const total = async (states: DagRun["state"][], startDateGte?: string) =>
        (await this.connector.listRuns({ states, startDateGte, offset: 0, limit: 1 }, signal)).total;
      const running = await total(["running"]);
      const queued = await total(["queued"]);
      const succeeded24h = await total(["success"], since);
      const failed = await this.connector.listRuns({ states: ["failed"], startDateGte: since, newestFirst: true, offset: 0, limit: RECENT_FAILURES }, signal);
      if (this.runs.cursor === null) await this.seedRuns(now, signal);
      else await this.followRuns(now, signal);
      this.runCounts = { running, queued, failed24h: failed.total, succeeded24h };
      this.recentFailed = failed.items;
      for (const r of failed.items) this.runs.noteFinished(r);
      this.runsLoaded = true;
      this.runsError = null;
      this.runsAt = now;
    } catch (e) {
      this.runsError = toEnvironmentError(e);
    }
  }

  /**
   * Start-up: the newest runs across all DAGs (a few pages) give most DAGs their last run; every DAG
   * that failed in the last 7 days is then resolved exactly — its own newest runs are fetched unless
   * a newer finished run is already known. That per-DAG call happens once, only for such DAGs.
   */
  private async seedRuns(now: number, signal: AbortSignal): Promise<void> {
    for (let offset = 0, pages = 0; pages < SEED_PAGES; pages++) {
      const page = await this.connector.listRuns({ newestFirst: true, offset, limit: PAGE }, signal);
      for (const r of page.items) this.runs.ingest(r);
      offset += page.items.length;
      if (page.items.length === 0 || offset >= page.total) break;
    }
    const newestFailure = new Map<string, DagRun>();
    for (let offset = 0, pages = 0; pages < FAILURE_PAGES; pages++) {
      const page = await this.connector.listRuns(
        { states: ["failed"], startDateGte: iso(now - FAILURE_LOOKBACK_MS), newestFirst: true, offset, limit: PAGE },
        signal,
      );
      for (const r of page.items) if (!newestFailure.has(r.dagId)) newestFailure.set(r.dagId, r);
      offset += page.items.length;
      if (page.items.length === 0 || offset >= page.total) break;
    }
    for (const r of newestFailure.values()) this.runs.ingest(r);
    const unresolved = [...newestFailure.values()].filter((f) => this.runs.latestFinished(f.dagId)?.runId === f.runId);
    for (const f of unresolved.slice(0, MAX_RESOLVE)) {
      try {
        for (const r of await this.connector.listDagRuns(f.dagId, 10, signal)) this.runs.ingest(r);
      } catch (e) {
        // A DAG deleted meanwhile is no reason to fail the poll.
        if (!isAirflowError(e) || e.kind !== "not_found") throw e;
      }
    }
    this.runs.cursor = iso(now - CURSOR_OVERLAP_MS);
  }

  /** Every run updated since the cursor, oldest update first, in pages; no per-DAG calls. */
  private async followRuns(now: number, signal: AbortSignal): Promise<void> {
    const cursor = this.runs.cursor!;
    let maxUpdated = Date.parse(cursor);
    for (let offset = 0, pages = 0; pages < MAX_PAGES; pages++) {
      const page = await this.connector.listRuns({ updatedAtGte: cursor, offset, limit: PAGE }, signal);
      for (const r of page.items) {
        this.runs.ingest(r);
        const u = r.updatedAt ? Date.parse(r.updatedAt) : NaN;
        if (!Number.isNaN(u) && u > maxUpdated) maxUpdated = u;
      }
      offset += page.items.length;
      if (page.items.length === 0 || offset >= page.total) break;
    }
    // Overlap the next window so a run updated while we paged is never skipped, and never move the
    // cursor past our own clock (a server clock ahead of ours must not make us skip runs).
    const next = Math.min(maxUpdated, now) - CURSOR_OVERLAP_MS;
    this.runs.cursor = iso(Math.max(next, Date.parse(cursor)));
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
    const before = this.summary.status;
    const next = this.buildSummary(now, healthIntervalMs);
    if (next.status !== before || (this.statusSince === null && next.status !== "unknown")) {
      this.statusSince = next.status === "unknown" ? null : now;
      next.statusSince = this.statusSince === null ? null : iso(this.statusSince);
    }
    this.summary = next;
    const json = JSON.stringify(this.summary);
    const changed = json !== this.summaryJson;
    this.summaryJson = json;
    return changed;
  }

  private buildSummary(now: number, healthIntervalMs: number): EnvironmentSummary {
    this.staleAt = staleAt({ checkedAt: this.checkedAt, lastSuccessAt: this.lastSuccessAt, monitoredSince: this.monitoredSince, healthIntervalMs });
    if (this.checkedAt === null && this.restored) {
      // Names and tags come from today's configuration; the rest is last known.
      const r = this.restored;
      const known = (k: Knowledge): Knowledge => (k === "unknown" ? "unknown" : "last-known");
      return {
        ...r,
        id: this.config.id,
        name: this.config.name,
        tags: this.config.tags,
        stale: true,
        statusSince: this.statusSince === null ? null : iso(this.statusSince),
        uptime: this.uptime,
        frozen: frozenOf(this.config.id),
        freshness: r.freshness
          ? { ...r.freshness, health: known(r.freshness.health), dags: known(r.freshness.dags), runs: known(r.freshness.runs) }
          : undefined,
      };
    }
    const failing = this.dags && this.runsLoaded ? this.failingDags().length : null;
    const dataErrors = [this.dagsError, this.runsError].filter((e): e is EnvironmentError => e !== null);
    const { status, reasons, stale } = computeStatus({
      now,
      healthIntervalMs,
      checkedAt: this.checkedAt,
      monitoredSince: this.monitoredSince,
      lastSuccessAt: this.lastSuccessAt,
      pollError: this.pollError,
      platform: this.platform,
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
      // What the access cannot see (e.g. CLI: no heartbeat ages) qualifies the reasons, never makes one.
      reasons: status === "healthy" ? [] : [...reasons, ...(this.connector.limitations?.() ?? [])],
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
      runs: this.runCounts,
      error: this.pollError ?? this.dagsError ?? this.runsError,
      statusSince: this.statusSince === null || status === "unknown" ? null : iso(this.statusSince),
      uptime: this.uptime,
      frozen: frozenOf(this.config.id),
      freshness: freshnessOf({
        healthAt: this.lastSuccessAt,
        healthFailed: this.pollError !== null,
        dagsAt: this.dags ? this.dagsAt : null,
        dagsFailed: this.dagsError !== null,
        runsAt: this.runsLoaded ? this.runsAt : null,
        runsFailed: this.runsError !== null,
        stale,
      }),
    };
  }
}
