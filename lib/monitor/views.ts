import { iso } from "./clock";
import { matchesFleetFilter, type FleetFilter } from "@/lib/fleet-filter";
import { emptyStatusCounts, SEARCH_RESULTS_MAX, severityRank } from "@/lib/vocabulary";
import type { DagDto, DagListResponse, EnvironmentDetail, EnvironmentSummary, FleetResponse, SearchResponse, SearchResult } from "./dto";
import type { EnvironmentRuntime } from "./runtime";
import { dagUrl } from "./urls";

/** Read models of the JSON API (contract §4), built from the monitor's snapshot only. */

export function compareSummaries(a: EnvironmentSummary, b: EnvironmentSummary): number {
  return severityRank(a.status) - severityRank(b.status) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
}

export function buildFleet(summaries: EnvironmentSummary[], filter: FleetFilter, now: number): FleetResponse {
  const environments = summaries.filter((s) => matchesFleetFilter(s, filter)).sort(compareSummaries);
  const counts = emptyStatusCounts();
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
  /** Extension (DAG browser): exact tag, exact owner. */
  tag?: string;
  owner?: string;
  sort?: DagSort;
  dir?: "asc" | "desc";
  /** Paging: when `limit` is set only that page is built (and facets are added). */
  offset?: number;
  limit?: number;
}

export const DAG_SORTS = ["dagId", "lastRun", "state", "owner"] as const;
export type DagSort = (typeof DAG_SORTS)[number];

export function dagDto(rt: EnvironmentRuntime, dagId: string): DagDto {
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

// Failed first: the browser's "state" order puts what needs attention on top.
const STATE_RANK: Record<string, number> = { failed: 0, running: 1, queued: 2, success: 3 };

/**
 * The cached DAG list of one environment with contract filters; `state` is the last run's state.
 * Filters and sorts on the cached records and builds DTOs only for the requested page, so a page
 * of an environment with thousands of DAGs costs little more than the page.
 */
export function buildDagList(rt: EnvironmentRuntime, query: DagQuery): DagListResponse {
  if (!rt.dags) return query.limit === undefined ? { total: 0, dags: [] } : { total: 0, dags: [], facets: { tags: [], owners: [] } };
  const q = query.q?.toLowerCase();
  const ids: string[] = [];
  const tags = new Set<string>();
  const owners = new Set<string>();
  for (const d of rt.dags.values()) {
    if (query.limit !== undefined) {
      for (const t of d.tags) tags.add(t);
      for (const o of d.owners) owners.add(o);
    }
    if (q && !d.dagId.toLowerCase().includes(q)) continue;
    if (query.paused !== undefined && d.paused !== query.paused) continue;
    if (query.tag !== undefined && !d.tags.includes(query.tag)) continue;
    if (query.owner !== undefined && !d.owners.includes(query.owner)) continue;
    if (query.state && rt.runs.lastRunState(d.dagId) !== query.state) continue;
    ids.push(d.dagId);
  }
  const byId = (a: string, b: string) => a.localeCompare(b);
  const sort = query.sort ?? "dagId";
  let cmp: (a: string, b: string) => number = byId;
  if (sort === "lastRun") {
    const start = (id: string) => rt.runs.newestRun(id)?.startDate ?? "";
    cmp = (a, b) => start(a).localeCompare(start(b)) || byId(a, b);
  } else if (sort === "state") {
    const rank = (id: string) => STATE_RANK[rt.runs.lastRunState(id) ?? ""] ?? 4;
    cmp = (a, b) => rank(a) - rank(b) || byId(a, b);
  } else if (sort === "owner") {
    const owner = (id: string) => rt.dags!.get(id)!.owners.join(", ");
    cmp = (a, b) => owner(a).localeCompare(owner(b)) || byId(a, b);
  }
  ids.sort(query.dir === "desc" ? (a, b) => cmp(b, a) : cmp);
  const offset = query.offset ?? 0;
  const page = query.limit === undefined ? ids.slice(offset) : ids.slice(offset, offset + query.limit);
  const dags = page.map((id) => dagDto(rt, id));
  if (query.limit === undefined) return { total: ids.length, dags };
  return { total: ids.length, dags, facets: { tags: [...tags].sort(byId), owners: [...owners].sort(byId) } };
}

/**
 * Every cached DAG whose id contains `q` (case-insensitive), exact matches first, at most `max`;
 * with what a full results page needs to be honest: `total` matches before the cap,
 * and the environments whose DAG list has not arrived (their DAGs cannot be searched).
 */
export function searchFleet(runtimes: EnvironmentRuntime[], q: string, max = SEARCH_RESULTS_MAX): Required<Pick<SearchResponse, "results" | "total" | "unsearched">> {
  const needle = q.toLowerCase();
  const exact: SearchResult[] = [];
  const partial: SearchResult[] = [];
  const unsearched: { environmentId: string; reason: string }[] = [];
  for (const rt of runtimes) {
    if (!rt.dags) {
      unsearched.push({ environmentId: rt.config.id, reason: rt.summary.error ? `DAG list not received: ${rt.summary.error.message}` : "DAG list not received yet" });
      continue;
    }
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
  const total = exact.length + partial.length;
  return { results: [...exact.sort(byName), ...partial.sort(byName)].slice(0, max), total, unsearched };
}
