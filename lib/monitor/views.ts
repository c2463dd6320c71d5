import { iso } from "./clock";
import type {
  DagDto,
  DagListResponse,
  EnvironmentDetail,
  EnvironmentStatus,
  EnvironmentSummary,
  FleetResponse,
  SearchResult,
  StatusCounts,
} from "./dto";
import { STATUS_ORDER } from "./dto";
import type { EnvironmentRuntime } from "./runtime";
import { dagUrl } from "./urls";

/** Read models of the JSON API (contract §4), built from the monitor's snapshot only. */

export const ALL_STATUSES: readonly EnvironmentStatus[] = ["healthy", "degraded", "unhealthy", "unreachable", "unauthorized", "unknown"];

export interface FleetFilter {
  /** `key:value` pairs, all of which must match (AND). */
  tags: { key: string; value: string }[];
  /** Allowed statuses; empty = all. */
  statuses: EnvironmentStatus[];
}

const severity = new Map(STATUS_ORDER.map((s, i) => [s, i]));

export function compareSummaries(a: EnvironmentSummary, b: EnvironmentSummary): number {
  return (severity.get(a.status)! - severity.get(b.status)!) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
}

export function matchesFilter(s: EnvironmentSummary, f: FleetFilter): boolean {
  if (f.statuses.length > 0 && !f.statuses.includes(s.status)) return false;
  return f.tags.every(({ key, value }) => s.tags[key] === value);
}

export function emptyCounts(): StatusCounts {
  return { healthy: 0, degraded: 0, unhealthy: 0, unreachable: 0, unauthorized: 0, unknown: 0 };
}

export function buildFleet(summaries: EnvironmentSummary[], filter: FleetFilter, now: number): FleetResponse {
  const environments = summaries.filter((s) => matchesFilter(s, filter)).sort(compareSummaries);
  const counts = emptyCounts();
  for (const s of environments) counts[s.status]++;
  return { generatedAt: iso(now), counts, environments };
}

export function buildDetail(rt: EnvironmentRuntime): EnvironmentDetail {
  return {
    ...rt.summary,
    failingDags: rt.failingDags().map((f) => ({ dagId: f.dagId, lastRun: rt.runDto(f.lastRun) })),
    recentFailures: rt.recentFailed.map((r) => rt.runDto(r)),
    importErrors: (rt.importErrors ?? []).map((e) => ({
      filename: e.filename,
      timestamp: e.timestamp,
      message: firstLine(e.stackTrace),
    })),
    latencyHistory: rt.latencyHistory.map((l) => ({ at: iso(l.at), ms: l.ms === null ? null : Math.round(l.ms) })),
  };
}

function firstLine(text: string): string {
  return text.split("\n").map((l) => l.trim()).find((l) => l.length > 0) ?? "";
}

export interface DagQuery {
  q?: string;
  state?: "failed" | "running" | "success";
  paused?: boolean;
}

function dagDto(rt: EnvironmentRuntime, dagId: string): DagDto {
  const d = rt.dags!.get(dagId)!;
  const last = rt.runs.newestRun(dagId);
  return {
    dagId: d.dagId,
    paused: d.paused,
    tags: d.tags,
    owners: d.owners,
    schedule: d.schedule,
    nextRunAt: d.nextRunAt,
    lastRun: last ? rt.runDto(last) : null,
    url: dagUrl(rt.uiUrl(), rt.connector.apiVersion(), d.dagId),
  };
}

/** The cached DAG list of one environment with contract filters; `state` is the last run's state. */
export function buildDagList(rt: EnvironmentRuntime, query: DagQuery): DagListResponse {
  if (!rt.dags) return { total: 0, dags: [] };
  const q = query.q?.toLowerCase();
  const dags: DagDto[] = [];
  for (const d of rt.dags.values()) {
    if (q && !d.dagId.toLowerCase().includes(q)) continue;
    if (query.paused !== undefined && d.paused !== query.paused) continue;
    const dto = dagDto(rt, d.dagId);
    if (query.state && rt.runs.lastRunState(d.dagId) !== query.state) continue;
    dags.push(dto);
  }
  dags.sort((a, b) => a.dagId.localeCompare(b.dagId));
  return { total: dags.length, dags };
}

/** Every cached DAG whose id contains `q` (case-insensitive), exact matches first, at most `max`. */
export function searchDags(runtimes: EnvironmentRuntime[], q: string, max = 200): SearchResult[] {
  const needle = q.toLowerCase();
  const exact: SearchResult[] = [];
  const partial: SearchResult[] = [];
  for (const rt of runtimes) {
    if (!rt.dags) continue;
    for (const d of rt.dags.values()) {
      const id = d.dagId.toLowerCase();
      if (!id.includes(needle)) continue;
      const result: SearchResult = {
        environmentId: rt.config.id,
        dagId: d.dagId,
        paused: d.paused,
        lastRunState: rt.runs.lastRunState(d.dagId),
        url: dagUrl(rt.uiUrl(), rt.connector.apiVersion(), d.dagId),
      };
      (id === needle ? exact : partial).push(result);
    }
  }
  const byName = (a: SearchResult, b: SearchResult) => a.dagId.localeCompare(b.dagId) || a.environmentId.localeCompare(b.environmentId);
  return [...exact.sort(byName), ...partial.sort(byName)].slice(0, max);
}
