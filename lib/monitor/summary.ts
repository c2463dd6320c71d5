import type { Connector, Dag, DagRun, Health, ImportError, PlatformInfo } from "@/lib/airflow/types";
import type { EnvironmentConfig } from "@/lib/config/types";
import { iso } from "./clock";
import type { EnvironmentError, EnvironmentSummary, Knowledge, RunCounts, Uptime } from "./dto";
import { frozenOf } from "./freezes";
import { freshnessOf } from "./freshness";
import type { RunStore } from "./run-store";
import { failingDagsOf, type LatencySample } from "./snapshot";
import { computeStatus } from "./status";

/** What the three polls of one environment last learned: private to its runtime, summarized here. */
export interface PollState {
  checkedAt: number | null;
  lastSuccessAt: number | null;
  pollError: EnvironmentError | null;
  platform: PlatformInfo | null;
  /** Health of the last poll that answered; kept as the last good data when a poll fails. */
  health: Health | null;
  healthAnswered: boolean;
  latencyMs: number | null;
  latencyHistory: LatencySample[];
  airflowVersion: string | null;
  dags: Map<string, Dag> | null;
  importErrors: ImportError[] | null;
  dagsError: EnvironmentError | null;
  dagsAt: number | null;
  runsAt: number | null;
  runs: RunStore;
  runCounts: RunCounts | null;
  recentFailed: DagRun[];
  runsLoaded: boolean;
  runsError: EnvironmentError | null;
  /** When the current status began (ms); null while unknown. Survives restarts through `restore`. */
  statusSince: number | null;
  /** Uptime per window, computed by history in the background (contract §7). */
  uptime: Uptime;
  /** The summary kept from before a restart, shown (stale) until the first health poll. */
  restored: EnvironmentSummary | null;
}

export function uiUrlOf(config: EnvironmentConfig, connector: Connector, platform: PlatformInfo | null): string | null {
  return config.uiUrl ?? platform?.uiUrl ?? connector.uiUrl();
}

/** The summary of contract §4 from what the polls learned (`statusSince` is the caller's to move). */
export function buildSummary(config: EnvironmentConfig, connector: Connector, s: PollState, monitoredSince: number, now: number, healthIntervalMs: number): EnvironmentSummary {
  if (s.checkedAt === null && s.restored) {
    // Names and tags come from today's configuration; the rest is last known.
    const r = s.restored;
    const known = (k: Knowledge): Knowledge => (k === "unknown" ? "unknown" : "last-known");
    return {
      ...r,
      id: config.id,
      name: config.name,
      tags: config.tags,
      stale: true,
      statusSince: s.statusSince === null ? null : iso(s.statusSince),
      uptime: s.uptime,
      frozen: frozenOf(config.id),
      freshness: r.freshness
        ? { ...r.freshness, health: known(r.freshness.health), dags: known(r.freshness.dags), runs: known(r.freshness.runs) }
        : undefined,
    };
  }
  const failing = s.dags && s.runsLoaded ? failingDagsOf(s.dags, s.runs).length : null;
  const dataErrors = [s.dagsError, s.runsError].filter((e): e is EnvironmentError => e !== null);
  const { status, reasons, stale } = computeStatus({
    now,
    healthIntervalMs,
    checkedAt: s.checkedAt,
    monitoredSince,
    lastSuccessAt: s.lastSuccessAt,
    pollError: s.pollError,
    platform: s.platform,
    health: s.healthAnswered ? s.health : null,
    dataErrors,
    importErrors: s.importErrors?.length ?? null,
    failingDags: failing,
  });
  const h = s.health;
  let dagCounts: EnvironmentSummary["dags"] = null;
  if (s.dags) {
    let paused = 0;
    for (const d of s.dags.values()) if (d.paused) paused++;
    dagCounts = { total: s.dags.size, active: s.dags.size - paused, paused, failing: failing ?? 0, importErrors: s.importErrors?.length ?? 0 };
  }
  return {
    id: config.id,
    name: config.name,
    kind: connector.kind,
    tags: config.tags,
    status,
    // What the access cannot see (e.g. CLI: no heartbeat ages) qualifies the reasons, never makes one.
    reasons: status === "healthy" ? [] : [...reasons, ...(connector.limitations?.() ?? [])],
    airflowVersion: s.airflowVersion,
    apiVersion: connector.apiVersion(),
    uiUrl: uiUrlOf(config, connector, s.platform),
    checkedAt: s.checkedAt === null ? null : iso(s.checkedAt),
    lastSuccessAt: s.lastSuccessAt === null ? null : iso(s.lastSuccessAt),
    stale,
    latencyMs: s.latencyMs === null ? null : Math.round(s.latencyMs),
    components: h ? { metadatabase: h.metadatabase, scheduler: h.scheduler, triggerer: h.triggerer, dagProcessor: h.dagProcessor } : null,
    schedulerHeartbeat: h?.schedulerHeartbeat ?? null,
    platform: s.platform ? { state: s.platform.state } : null,
    dags: dagCounts,
    runs: s.runCounts,
    error: s.pollError ?? s.dagsError ?? s.runsError,
    statusSince: s.statusSince === null || status === "unknown" ? null : iso(s.statusSince),
    uptime: s.uptime,
    frozen: frozenOf(config.id),
    freshness: freshnessOf({
      healthAt: s.lastSuccessAt,
      healthFailed: s.pollError !== null,
      dagsAt: s.dags ? s.dagsAt : null,
      dagsFailed: s.dagsError !== null,
      runsAt: s.runsLoaded ? s.runsAt : null,
      runsFailed: s.runsError !== null,
      stale,
    }),
  };
}
