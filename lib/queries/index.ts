import { queryOptions } from "@tanstack/react-query";
import type { DagListResponse, DagRunsResponse, EnvironmentDetail, FleetResponse, HistoryResponse, IncidentsResponse, SearchResponse } from "@/lib/monitor/dto";
import { DAG_RUNS_LIMIT } from "@/lib/vocabulary";
import { ApiRequestError, fetchJson } from "./fetch-json";

/** Retry once on network trouble or a 5xx, never on a 4xx (a missing environment stays missing). */
const retryUnlessClientError = (failures: number, error: Error) =>
  failures < 1 && !(error instanceof ApiRequestError && error.status >= 400 && error.status < 500);

/** Query keys and fetchers, shared by prefetching and hooks; keys are never written inline. */
export const queryKeys = {
  fleet: (search: string) => ["fleet", search] as const,
  environment: (id: string) => ["environment", id] as const,
  dags: (id: string, search: string) => ["dags", id, search] as const,
  dagRuns: (id: string, dagId: string, limit: number) => ["dag-runs", id, dagId, limit] as const,
  search: (q: string) => ["search", q] as const,
  history: (id: string, days: number) => ["history", id, days] as const,
  incidents: (search: string) => ["incidents", search] as const,
  /** Failing DAGs across the visible fleet (the board's bulk selection). */
  failing: () => ["failing-dags"] as const,
  /** Whether the caller may act anywhere (GET /api/v1/actions). */
  actingScope: () => ["acting-scope"] as const,
};

/** Board polling behind SSE: the events stream carries changes, the poll repairs a silent stream. */
export const FLEET_POLL_MS = 15_000;

/** The fleet endpoint; the board preloads it from its HTML (see FleetBoard). */
export const FLEET_PATH = "/api/v1/fleet";

let early: { at: number; promise: Promise<FleetResponse> } | null = null;

/**
 * Starts loading the whole fleet the moment the board's code is evaluated — before React has
 * hydrated the page — so the request runs in parallel with hydration instead of after it. The
 * first fleet query takes this response (once, and only while it is fresh).
 */
export function startFleetEarly(): void {
  if (typeof window === "undefined" || early) return;
  const promise = fetchJson<FleetResponse>(FLEET_PATH, undefined, undefined, true);
  promise.catch(() => {}); // a failure surfaces through the query that consumes it
  early = { at: Date.now(), promise };
}

function takeEarlyFleet(): Promise<FleetResponse> | null {
  const e = early;
  early = null;
  return e && Date.now() - e.at < 5_000 ? e.promise : null;
}

/**
 * The fleet; `search` is the server-side filter query string (`tag=…&status=…`) without `?`. The
 * board and the wall ask for the whole fleet and filter in the browser, so filter changes are
 * instant and one SSE stream serves every view.
 */
export const fleetQuery = (search = "") =>
  queryOptions({
    queryKey: queryKeys.fleet(search),
    queryFn: ({ signal }) => (!search && takeEarlyFleet()) || fetchJson<FleetResponse>(`/api/v1/fleet${search ? `?${search}` : ""}`, signal),
    refetchInterval: FLEET_POLL_MS,
  });

/**
 * The wall's fleet: polled every `refreshMs` even when the tab is hidden (a wall screen is
 * "hidden" more often than one thinks: screensavers, KVM switches), and never retried silently —
 * a failed poll must count towards the stale banner, not hide behind retries.
 */
export const wallFleetQuery = (refreshMs: number) =>
  queryOptions({
    ...fleetQuery(""),
    // A poll that hangs longer than an interval counts as failed (and the next one starts).
    queryFn: ({ signal }) => fetchJson<FleetResponse>("/api/v1/fleet", signal, Math.max(2_000, refreshMs)),
    refetchInterval: refreshMs,
    refetchIntervalInBackground: true,
    refetchOnWindowFocus: false,
    retry: false,
    // The board's cache entry may be shared; the wall treats anything older than one interval as due.
    staleTime: refreshMs / 2,
    gcTime: refreshMs * 4,
  });

export const environmentQuery = (id: string) =>
  queryOptions({
    queryKey: queryKeys.environment(id),
    queryFn: ({ signal }) => fetchJson<EnvironmentDetail>(`/api/v1/environments/${encodeURIComponent(id)}`, signal),
    refetchInterval: FLEET_POLL_MS,
    retry: retryUnlessClientError,
  });

export const dagsQuery = (id: string, search = "") =>
  queryOptions({
    queryKey: queryKeys.dags(id, search),
    queryFn: ({ signal }) => fetchJson<DagListResponse>(`/api/v1/environments/${encodeURIComponent(id)}/dags${search ? `?${search}` : ""}`, signal),
    refetchInterval: 60_000,
    retry: retryUnlessClientError,
  });

export const dagRunsQuery = (id: string, dagId: string, limit: number = DAG_RUNS_LIMIT.default) =>
  queryOptions({
    queryKey: queryKeys.dagRuns(id, dagId, limit),
    queryFn: ({ signal }) =>
      fetchJson<DagRunsResponse>(`/api/v1/environments/${encodeURIComponent(id)}/dags/${encodeURIComponent(dagId)}/runs?limit=${limit}`, signal),
    refetchInterval: 30_000,
    retry: retryUnlessClientError,
  });

export const searchQuery = (q: string) =>
  queryOptions({
    queryKey: queryKeys.search(q),
    queryFn: ({ signal }) => fetchJson<SearchResponse>(`/api/v1/search?q=${encodeURIComponent(q)}`, signal),
    enabled: q.trim().length > 0,
    staleTime: 10_000,
    // Results of a half-typed query are worth little later; do not let them pile up.
    gcTime: 60_000,
  });

const DAY_MS = 86_400_000;

/** One environment's availability over the last `days` days (daily cells beyond 20 days). */
export const historyQuery = (id: string, days: number) =>
  queryOptions({
    queryKey: queryKeys.history(id, days),
    queryFn: ({ signal }) => {
      // Whole UTC days, so every cell is one calendar day.
      const to = Math.ceil(Date.now() / DAY_MS) * DAY_MS;
      const from = new Date(to - days * DAY_MS).toISOString();
      return fetchJson<HistoryResponse>(`/api/v1/environments/${encodeURIComponent(id)}/history?from=${from}&to=${new Date(to).toISOString()}`, signal);
    },
    refetchInterval: 5 * 60_000,
    retry: retryUnlessClientError,
  });

/** Incidents; `search` is the query string of /api/v1/incidents without `?`. */
export const incidentsQuery = (search: string) =>
  queryOptions({
    queryKey: queryKeys.incidents(search),
    queryFn: ({ signal }) => fetchJson<IncidentsResponse>(`/api/v1/incidents${search ? `?${search}` : ""}`, signal),
    refetchInterval: 30_000,
    retry: retryUnlessClientError,
  });
