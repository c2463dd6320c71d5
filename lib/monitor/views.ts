import { iso } from "./clock";
import { matchesFleetFilter, type FleetFilter } from "@/lib/fleet-filter";
import { emptyStatusCounts, SEARCH_RESULTS_MAX, severityRank } from "@/lib/vocabulary";
import type { DagDto, DagListResponse, EnvironmentDetail, EnvironmentSummary, FleetResponse, SearchResponse, SearchResult } from "./dto";
import type { Dag } from "@/lib/airflow/types";
import type { EnvironmentSnapshot } from "./snapshot";
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

export function buildDetail(env: EnvironmentSnapshot): EnvironmentDetail {
  return {
    ...env.summary,
    failingDags: env.failingDags().map((f) => ({ dagId: f.dagId, lastRun: env.runDto(f.lastRun) })),
    recentFailures: env.recentFailed.map((r) => env.runDto(r)),
    importErrors: (env.importErrors ?? []).map((e) => ({
      filename: e.filename,
      timestamp: e.timestamp,
      message: firstLine(e.stackTrace),
    })),
    latencyHistory: env.latencyHistory.map((l) => ({ at: iso(l.at), ms: l.ms === null ? null : Math.round(l.ms) })),
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

export function dagDto(env: EnvironmentSnapshot, d: Dag): DagDto {
  const last = env.runs.newestRun(d.dagId);
  return {
    dagId: d.dagId,
    paused: d.paused,
    tags: d.tags,
    owners: d.owners,
    schedule: d.schedule,
    nextRunAt: d.nextRunAt,
    lastRun: last ? env.runDto(last) : null,
    url: dagUrl(env.uiUrl, env.apiVersion, d.dagId),
  };
}

// Failed first: the browser's "state" order puts what needs attention on top.
const STATE_RANK: Record<string, number> = { failed: 0, running: 1, queued: 2, success: 3 };

/**
 * The cached DAG list of one environment with contract filters; `state` is the last run's state.
 * Filters and sorts on the cached records and builds DTOs only for the requested page, so a page
 * of an environment with thousands of DAGs costs little more than the page.
 */
export function buildDagList(env: EnvironmentSnapshot, query: DagQuery): DagListResponse {
  if (!env.dags) return query.limit === undefined ? { total: 0, dags: [] } : { total: 0, dags: [], facets: { tags: [], owners: [] } };
  const q = query.q?.toLowerCase();
  const found: Dag[] = [];
  const tags = new Set<string>();
  const owners = new Set<string>();
  for (const d of env.dags.values()) {
    if (query.limit !== undefined) {
      for (const t of d.tags) tags.add(t);
      for (const o of d.owners) owners.add(o);
    }
    if (q && !d.dagId.toLowerCase().includes(q)) continue;
    if (query.paused !== undefined && d.paused !== query.paused) continue;
    if (query.tag !== undefined && !d.tags.includes(query.tag)) continue;
    if (query.owner !== undefined && !d.owners.includes(query.owner)) continue;
    if (query.state && env.runs.lastRunState(d.dagId) !== query.state) continue;
    found.push(d);
  }
  const byName = (a: string, b: string) => a.localeCompare(b);
  const byId = (a: Dag, b: Dag) => byName(a.dagId, b.dagId);
  const sort = query.sort ?? "dagId";
  let cmp: (a: Dag, b: Dag) => number = byId;
  if (sort === "lastRun") {
    const start = (d: Dag) => env.runs.newestRun(d.dagId)?.startDate ?? "";
    cmp = (a, b) => start(a).localeCompare(start(b)) || byId(a, b);
  } else if (sort === "state") {
    const rank = (d: Dag) => STATE_RANK[env.runs.lastRunState(d.dagId) ?? ""] ?? 4;
    cmp = (a, b) => rank(a) - rank(b) || byId(a, b);
  } else if (sort === "owner") {
    const owner = (d: Dag) => d.owners.join(", ");
    cmp = (a, b) => owner(a).localeCompare(owner(b)) || byId(a, b);
  }
  found.sort(query.dir === "desc" ? (a, b) => cmp(b, a) : cmp);
  const offset = query.offset ?? 0;
  const page = query.limit === undefined ? found.slice(offset) : found.slice(offset, offset + query.limit);
  const dags = page.map((d) => dagDto(env, d));
  if (query.limit === undefined) return { total: found.length, dags };
  return { total: found.length, dags, facets: { tags: [...tags].sort(byName), owners: [...owners].sort(byName) } };
}

/**
 * Every cached DAG whose id contains `q` (case-insensitive), exact matches first, at most `max`;
 * with what a full results page needs to be honest: `total` matches before the cap,
 * and the environments whose DAG list has not arrived (their DAGs cannot be searched).
 */
export function searchFleet(environments: readonly EnvironmentSnapshot[], q: string, max = SEARCH_RESULTS_MAX): Required<Pick<SearchResponse, "results" | "total" | "unsearched">> {
  const needle = q.toLowerCase();
  const exact: SearchResult[] = [];
  const partial: SearchResult[] = [];
  const unsearched: { environmentId: string; reason: string }[] = [];
  for (const env of environments) {
    if (!env.dags) {
      unsearched.push({ environmentId: env.id, reason: env.summary.error ? `DAG list not received: ${env.summary.error.message}` : "DAG list not received yet" });
      continue;
    }
    for (const d of env.dags.values()) {
      const id = d.dagId.toLowerCase();
      if (!id.includes(needle)) continue;
      const result: SearchResult = {
        environmentId: env.id,
        dagId: d.dagId,
        paused: d.paused,
        lastRunState: env.runs.lastRunState(d.dagId),
        url: dagUrl(env.uiUrl, env.apiVersion, d.dagId),
      };
      (id === needle ? exact : partial).push(result);
    }
  }
  const byName = (a: SearchResult, b: SearchResult) => a.dagId.localeCompare(b.dagId) || a.environmentId.localeCompare(b.environmentId);
  const total = exact.length + partial.length;
  return { results: [...exact.sort(byName), ...partial.sort(byName)].slice(0, max), total, unsearched };
}
