import { isAirflowError } from "@/lib/airflow/errors";
import type { Connector, Dag, DagRun, ImportError } from "@/lib/airflow/types";
import type { EnvironmentConfig } from "@/lib/config/types";
import { iso } from "./clock";
import type { EnvironmentError, EnvironmentSummary, ErrorCode, Uptime } from "./dto";
import { RunStore } from "./run-store";
import { EnvironmentSnapshot, type MirroredDags } from "./snapshot";
import { staleAt } from "./status";
import { buildSummary, uiUrlOf, type PollState } from "./summary";

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

/**
 * Everything the monitor knows about one environment, and the three polls that refresh it. The
 * state is private: readers get the `EnvironmentSnapshot` the monitor publishes after each change.
 */
export class EnvironmentRuntime {
  private readonly s: PollState = {
    checkedAt: null,
    lastSuccessAt: null,
    pollError: null,
    platform: null,
    health: null,
    healthAnswered: false,
    latencyMs: null,
    latencyHistory: [],
    airflowVersion: null,
    dags: null,
    importErrors: null,
    dagsError: null,
    dagsAt: null,
    runsAt: null,
    runs: new RunStore(),
    runCounts: null,
    recentFailed: [],
    runsLoaded: false,
    runsError: null,
    statusSince: null,
    uptime: { "24h": null, "7d": null, "30d": null },
    restored: null,
  };
  private summary: EnvironmentSummary;
  /** Serialized summary, for change detection (and handed to the snapshot, which would make it anyway). */
  private summaryJson = "";
  /** When the summary turns stale unless a poll succeeds first (null while never polled). */
  private staleDue: number | null = null;

  constructor(
    readonly config: EnvironmentConfig,
    readonly connector: Connector,
    readonly monitoredSince: number,
  ) {
    this.summary = this.buildSummary(monitoredSince, 1);
  }

  /** What readers may see now: a new immutable snapshot (the monitor makes one per change). */
  snapshot(): EnvironmentSnapshot {
    const s = this.s;
    return new EnvironmentSnapshot(
      {
        config: this.config,
        summary: this.summary,
        statusSince: s.statusSince,
        checkedAt: s.checkedAt,
        lastSuccessAt: s.lastSuccessAt,
        showingRestored: s.checkedAt === null && s.restored !== null,
        dags: s.dags,
        dagsAt: s.dagsAt,
        importErrors: s.importErrors,
        runs: s.runs.index(),
        runsLoaded: s.runsLoaded,
        runsAt: s.runsAt,
        runsCursor: s.runs.cursor,
        recentFailed: s.recentFailed,
        latencyHistory: s.latencyHistory,
        // A follower has not called Airflow (or its control plane): the leader's summary says.
        uiUrl: this.uiUrl() ?? s.restored?.uiUrl ?? null,
        apiVersion: this.connector.apiVersion() ?? s.restored?.apiVersion ?? null,
      },
      this.summaryJson || undefined,
    );
  }

  /** When the summary turns stale unless a poll succeeds first (null while never polled). */
  get staleAt(): number | null {
    return this.staleDue;
  }

  /** The summary as it is now (immutable: replaced, never changed). */
  get current(): EnvironmentSummary {
    return this.summary;
  }

  /** The error the last poll of this cadence recorded, if any. */
  errorOf(cadence: "health" | "dags" | "runs"): EnvironmentError | null {
    return cadence === "health" ? this.s.pollError : cadence === "dags" ? this.s.dagsError : this.s.runsError;
  }

  /** The finished runs seen since the last call (history records them). */
  drainFinished(): DagRun[] {
    return this.s.runs.drainFinished();
  }

  /** Airflow answered a write with the DAG as it is now: the list shows it at once (the summary waits for the next poll). */
  noteDag(dag: Dag): boolean {
    if (!this.s.dags) return false;
    // A new map: the published snapshot keeps the list it had.
    this.s.dags = new Map(this.s.dags).set(dag.dagId, dag);
    return true;
  }

  /** Shows the last stored summary, `stale: true`, until this process's first health poll (contract §7). */
  restore(r: EnvironmentSummary): void {
    if (this.s.checkedAt !== null || r.status === "unknown") return;
    this.s.restored = r;
    this.s.statusSince = r.statusSince ? Date.parse(r.statusSince) : null;
    this.summary = this.buildSummary(this.monitoredSince, 1);
    this.summaryJson = JSON.stringify(this.summary);
  }

  /** A follower replica shows the leader's summary as is (contract §11); true when it changed. */
  mirror(m: EnvironmentSummary): boolean {
    const json = JSON.stringify(m);
    if (json === this.summaryJson) return false;
    this.s.restored = m;
    this.summary = m;
    this.summaryJson = json;
    this.s.statusSince = m.statusSince ? Date.parse(m.statusSince) : null;
    if (m.uptime) this.s.uptime = m.uptime;
    return true;
  }

  /**
   * A follower replica shows the leader's DAG list, runs and import errors as they are (contract
   * §11). Kept as this runtime's own state: if this replica leads later, its polls continue from
   * them (the runs cursor included) and readers see no gap.
   */
  mirrorDags(m: MirroredDags): void {
    const s = this.s;
    if (m.list) {
      s.dags = m.list.dags ? new Map(m.list.dags) : null;
      s.importErrors = m.list.importErrors ? [...m.list.importErrors] : null;
    }
    if (m.runs) s.runs.load(m.runs.entries, m.runs.full);
    if (m.list && s.dags) s.runs.retainDags(new Set(s.dags.keys()));
    if (m.meta) {
      s.dagsAt = m.meta.dagsAt;
      s.runsLoaded = m.meta.runsLoaded;
      s.runsAt = m.meta.runsAt;
      s.runs.cursor = m.meta.runsCursor;
      s.recentFailed = [...m.meta.recentFailed];
    }
    if (m.latencyHistory) s.latencyHistory = [...m.latencyHistory];
  }

  /** Puts new uptime figures into the summary without re-deciding the status; true when they changed. */
  setUptime(u: Uptime): boolean {
    const was = this.s.uptime;
    const same = was["24h"] === u["24h"] && was["7d"] === u["7d"] && was["30d"] === u["30d"];
    this.s.uptime = u;
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
      this.s.platform = platform;
      if (platform?.airflowVersion) this.s.airflowVersion = platform.airflowVersion;
      if (this.platformBroken()) {
        // The control plane answered for the environment: its web server is not expected to.
        answered = true;
      } else {
        // Latency is wall time, whatever clock drives the schedule.
        const t0 = performance.now();
        const health = await this.connector.getHealth(signal);
        latency = performance.now() - t0;
        this.s.health = health;
        answered = true;
        if (!this.s.airflowVersion) this.s.airflowVersion = (await this.connector.getVersion(signal)).version;
      }
    } catch (e) {
      error = toEnvironmentError(e);
    }
    const at = now();
    this.s.checkedAt = at;
    this.s.pollError = error;
    this.s.healthAnswered = answered && !error;
    if (this.s.healthAnswered) this.s.lastSuccessAt = at;
    this.s.latencyMs = latency;
    // A new array each time: the published snapshot keeps the one it has.
    this.s.latencyHistory = [...this.s.latencyHistory.slice(1 - LATENCY_SAMPLES), { at, ms: latency }];
  }

  /** True while the control plane reports the environment broken: its web server is not called. */
  platformBroken(): boolean {
    return this.s.platform?.class === "broken";
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
      this.s.dags = dags;
      this.s.importErrors = errors;
      this.s.runs.retainDags(new Set(dags.keys()));
      this.s.dagsError = null;
      this.s.dagsAt = now();
      // No control plane reports the version: ask Airflow again (upgrades).
      if (this.s.platform === null) this.s.airflowVersion = (await this.connector.getVersion(signal)).version;
    } catch (e) {
      this.s.dagsError = toEnvironmentError(e);
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
      if (this.s.runs.cursor === null) await this.seedRuns(now, signal);
      else await this.followRuns(now, signal);
      this.s.runCounts = { running, queued, failed24h: failed.total, succeeded24h };
      this.s.recentFailed = failed.items;
      for (const r of failed.items) this.s.runs.noteFinished(r);
      this.s.runsLoaded = true;
      this.s.runsError = null;
      this.s.runsAt = now;
    } catch (e) {
      this.s.runsError = toEnvironmentError(e);
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
      for (const r of page.items) this.s.runs.ingest(r);
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
    for (const r of newestFailure.values()) this.s.runs.ingest(r);
    const unresolved = [...newestFailure.values()].filter((f) => this.s.runs.latestFinished(f.dagId)?.runId === f.runId);
    for (const f of unresolved.slice(0, MAX_RESOLVE)) {
      try {
        for (const r of await this.connector.listDagRuns(f.dagId, 10, signal)) this.s.runs.ingest(r);
      } catch (e) {
        // A DAG deleted meanwhile is no reason to fail the poll.
        if (!isAirflowError(e) || e.kind !== "not_found") throw e;
      }
    }
    this.s.runs.cursor = iso(now - CURSOR_OVERLAP_MS);
  }

  /** Every run updated since the cursor, oldest update first, in pages; no per-DAG calls. */
  private async followRuns(now: number, signal: AbortSignal): Promise<void> {
    const cursor = this.s.runs.cursor!;
    let maxUpdated = Date.parse(cursor);
    for (let offset = 0, pages = 0; pages < MAX_PAGES; pages++) {
      const page = await this.connector.listRuns({ updatedAtGte: cursor, offset, limit: PAGE }, signal);
      for (const r of page.items) {
        this.s.runs.ingest(r);
        const u = r.updatedAt ? Date.parse(r.updatedAt) : NaN;
        if (!Number.isNaN(u) && u > maxUpdated) maxUpdated = u;
      }
      offset += page.items.length;
      if (page.items.length === 0 || offset >= page.total) break;
    }
    // Overlap the next window so a run updated while we paged is never skipped, and never move the
    // cursor past our own clock (a server clock ahead of ours must not make us skip runs).
    const next = Math.min(maxUpdated, now) - CURSOR_OVERLAP_MS;
    this.s.runs.cursor = iso(Math.max(next, Date.parse(cursor)));
  }

  private uiUrl(): string | null {
    return uiUrlOf(this.config, this.connector, this.s.platform);
  }

  /** Recomputes the summary; returns true when it changed. */
  refreshSummary(now: number, healthIntervalMs: number): boolean {
    const before = this.summary.status;
    const next = this.buildSummary(now, healthIntervalMs);
    if (next.status !== before || (this.s.statusSince === null && next.status !== "unknown")) {
      this.s.statusSince = next.status === "unknown" ? null : now;
      next.statusSince = this.s.statusSince === null ? null : iso(this.s.statusSince);
    }
    this.summary = next;
    const json = JSON.stringify(this.summary);
    const changed = json !== this.summaryJson;
    this.summaryJson = json;
    return changed;
  }

  private buildSummary(now: number, healthIntervalMs: number): EnvironmentSummary {
    const s = this.s;
    this.staleDue = staleAt({ checkedAt: s.checkedAt, lastSuccessAt: s.lastSuccessAt, monitoredSince: this.monitoredSince, healthIntervalMs });
    return buildSummary(this.config, this.connector, s, this.monitoredSince, now, healthIntervalMs);
  }
}
