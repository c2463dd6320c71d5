import type { EnvironmentDetail } from "@/lib/monitor/dto";

/**
 * One hour of DAG runs by state, counted exactly by the server (the history store records them).
 * Accepted as an optional `runsPerHour` on the environment detail (24 buckets, oldest first, by
 * the hour a run finished; only hours history has recorded); `other` holds every state that is neither success nor failed.
 */
export interface RunsPerHourBucket {
  /** Start of the hour, ISO-8601 UTC. */
  hour: string;
  success: number;
  failed: number;
  other?: number;
  running?: number;
  queued?: number;
}

/** The environment detail with the extension (absent until the server provides it). */
export type DetailWithRunsPerHour = EnvironmentDetail & { runsPerHour?: RunsPerHourBucket[] };

/**
 * What the runs panel may draw. Only exact figures: the server's hourly counts when it sends
 * them; otherwise no hourly chart at all (an estimate read at a glance is read as fact — issue 11),
 * just the exact 24 h totals Airflow reported, when the monitor has them.
 */
export type RunsPerHourSeries =
  | { source: "server"; buckets: RunsPerHourBucket[] }
  | { source: "totals"; succeeded24h: number; failed24h: number }
  | { source: "none" };

function isBucket(b: unknown): b is RunsPerHourBucket {
  const o = b as Record<string, unknown> | null;
  return !!o && typeof o.hour === "string" && Number.isFinite(o.success) && Number.isFinite(o.failed);
}

export function runsPerHour(detail: DetailWithRunsPerHour): RunsPerHourSeries {
  const hourly = detail.runsPerHour;
  if (Array.isArray(hourly) && hourly.length > 0 && hourly.every(isBucket)) return { source: "server", buckets: hourly };
  if (detail.runs) return { source: "totals", succeeded24h: detail.runs.succeeded24h, failed24h: detail.runs.failed24h };
  return { source: "none" };
}
