import type { DagDto, DagRunDto, EnvironmentDetail } from "@/lib/monitor/dto";

/**
 * One hour of DAG runs by state. This is the shape proposed to the server as an optional
 * `runsPerHour` on the environment detail (24 buckets, oldest first, by run start hour) — the
 * monitor already keeps every finished run of the last 24 h with its start minute and state.
 */
export interface RunsPerHourBucket {
  /** Start of the hour, ISO-8601 UTC. */
  hour: string;
  success: number;
  failed: number;
  running?: number;
  queued?: number;
}

/** The environment detail with the proposed extension (absent until the server provides it). */
export type DetailWithRunsPerHour = EnvironmentDetail & { runsPerHour?: RunsPerHourBucket[] };

const HOUR_MS = 3_600_000;

export interface RunsPerHourSeries {
  buckets: RunsPerHourBucket[];
  /** `server`: exact counts; `estimate`: built from what the API gives today, and says what it misses. */
  source: "server" | "estimate";
  note: string | null;
}

/**
 * 24 hourly buckets ending with the current hour. Uses the server's `runsPerHour` when present;
 * otherwise estimates from recent failures (every failure, up to the API's 50) and each DAG's
 * latest finished run (so successes are undercounted: one per DAG at most).
 */
export function runsPerHour(detail: DetailWithRunsPerHour, dags: readonly DagDto[] | undefined, now: number): RunsPerHourSeries {
  if (detail.runsPerHour && detail.runsPerHour.length > 0) {
    return { buckets: detail.runsPerHour, source: "server", note: null };
  }
  const end = Math.floor(now / HOUR_MS) * HOUR_MS;
  const start = end - 23 * HOUR_MS;
  const buckets: RunsPerHourBucket[] = Array.from({ length: 24 }, (_, i) => ({ hour: new Date(start + i * HOUR_MS).toISOString(), success: 0, failed: 0 }));
  const add = (run: DagRunDto | null, field: "success" | "failed") => {
    if (!run?.startDate) return;
    const t = Date.parse(run.startDate);
    if (Number.isNaN(t) || t < start || t >= end + HOUR_MS) return;
    buckets[Math.floor((t - start) / HOUR_MS)][field]++;
  };
  for (const r of detail.recentFailures) add(r, "failed");
  for (const d of dags ?? []) if (d.lastRun?.state === "success") add(d.lastRun, "success");
  const capped = detail.runs && detail.runs.failed24h > detail.recentFailures.length;
  const note =
    "Estimated: failures from the recent-failures list" +
    (capped ? ` (${detail.recentFailures.length} of ${detail.runs!.failed24h})` : "") +
    ", successes only from each DAG's latest run" +
    (detail.runs ? `; the 24 h totals are ${detail.runs.succeeded24h} succeeded and ${detail.runs.failed24h} failed.` : ".");
  return { buckets, source: "estimate", note };
}
