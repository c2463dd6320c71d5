import { queryOptions } from "@tanstack/react-query";
import type { AlertsResponse, SilenceDto, SilencesResponse } from "@/lib/alerts/dto";
import { ApiRequestError, fetchJson } from "./fetch-json";

/** Alerts and silences for the /alerts page, the header count and the board's tile marks. */

export const alertQueryKeys = {
  alerts: (state: string) => ["alerts", state] as const,
  silences: () => ["silences"] as const,
};

export const ALERTS_POLL_MS = 15_000;

export const alertsQuery = (state: "" | "firing" | "resolved" = "") =>
  queryOptions({
    queryKey: alertQueryKeys.alerts(state),
    queryFn: ({ signal }) => fetchJson<AlertsResponse>(`/api/v1/alerts${state ? `?state=${state}` : ""}`, signal),
    refetchInterval: ALERTS_POLL_MS,
    retry: false,
  });

export const silencesQuery = (enabled: boolean) =>
  queryOptions({
    queryKey: alertQueryKeys.silences(),
    queryFn: ({ signal }) => fetchJson<SilencesResponse>("/api/v1/silences", signal),
    refetchInterval: 30_000,
    enabled,
    retry: false,
  });

/** Firing alerts per environment id, from an alerts response. */
export function firingByEnvironment(data: AlertsResponse | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const a of data?.alerts ?? []) if (a.state === "firing") out.set(a.environmentId, (out.get(a.environmentId) ?? 0) + 1);
  return out;
}

async function send<T>(path: string, init: RequestInit): Promise<T> {
  const res = await fetch(path, { ...init, headers: { accept: "application/json", ...(init.body ? { "content-type": "application/json" } : {}) }, cache: "no-store" });
  const body = (await res.json().catch(() => ({}))) as T & { error?: { message?: string } };
  if (!res.ok && body.error) throw new ApiRequestError(res.status, body.error.message ?? `HTTP ${res.status}`);
  return body;
}

export function createSilence(s: { environments?: SilenceDto["environments"]; dags?: SilenceDto["dags"]; until: string; comment: string }): Promise<SilenceDto> {
  return send<SilenceDto>("/api/v1/silences", { method: "POST", body: JSON.stringify({ ...s, environments: s.environments ?? undefined, dags: s.dags ?? undefined }) });
}

export function deleteSilence(id: string): Promise<unknown> {
  return send(`/api/v1/silences/${encodeURIComponent(id)}`, { method: "DELETE" });
}

export function sendTest(channel: string): Promise<{ ok: boolean; error: string | null }> {
  return send(`/api/v1/alerts/test?channel=${encodeURIComponent(channel)}`, { method: "POST" });
}
