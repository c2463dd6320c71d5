import { queryOptions } from "@tanstack/react-query";
import type { DagListResponse, DagRunsResponse, EnvironmentDetail, FleetResponse, SearchResponse } from "@/lib/monitor/dto";
import { fetchJson } from "./fetch-json";

/** Query keys and fetchers, shared by prefetching and hooks; keys are never written inline. */
export const queryKeys = {
  fleet: (search: string) => ["fleet", search] as const,
  environment: (id: string) => ["environment", id] as const,
  dags: (id: string, search: string) => ["dags", id, search] as const,
  dagRuns: (id: string, dagId: string, limit: number) => ["dag-runs", id, dagId, limit] as const,
  search: (q: string) => ["search", q] as const,
};

export const FLEET_POLL_MS = 15_000;

/** The fleet; `search` is the filter query string (`tag=…&status=…`) without `?`. */
export const fleetQuery = (search = "") =>
  queryOptions({
    queryKey: queryKeys.fleet(search),
    queryFn: ({ signal }) => fetchJson<FleetResponse>(`/api/v1/fleet${search ? `?${search}` : ""}`, signal),
    refetchInterval: FLEET_POLL_MS,
  });

export const environmentQuery = (id: string) =>
  queryOptions({
    queryKey: queryKeys.environment(id),
    queryFn: ({ signal }) => fetchJson<EnvironmentDetail>(`/api/v1/environments/${encodeURIComponent(id)}`, signal),
    refetchInterval: FLEET_POLL_MS,
  });

export const dagsQuery = (id: string, search = "") =>
  queryOptions({
    queryKey: queryKeys.dags(id, search),
    queryFn: ({ signal }) => fetchJson<DagListResponse>(`/api/v1/environments/${encodeURIComponent(id)}/dags${search ? `?${search}` : ""}`, signal),
    refetchInterval: 60_000,
  });

export const dagRunsQuery = (id: string, dagId: string, limit = 25) =>
  queryOptions({
    queryKey: queryKeys.dagRuns(id, dagId, limit),
    queryFn: ({ signal }) =>
      fetchJson<DagRunsResponse>(`/api/v1/environments/${encodeURIComponent(id)}/dags/${encodeURIComponent(dagId)}/runs?limit=${limit}`, signal),
    refetchInterval: 30_000,
  });

export const searchQuery = (q: string) =>
  queryOptions({
    queryKey: queryKeys.search(q),
    queryFn: ({ signal }) => fetchJson<SearchResponse>(`/api/v1/search?q=${encodeURIComponent(q)}`, signal),
    enabled: q.trim().length > 0,
  });
