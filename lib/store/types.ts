import type { EnvironmentStatus } from "@/lib/monitor/dto";

/** `retention:` of contract §7. */
export interface RetentionConfig {
  rawHours: number;
  hourlyDays: number;
  dailyDays: number;
}

export const RETENTION_DEFAULTS: RetentionConfig = { rawHours: 48, hourlyDays: 90, dailyDays: 400 };

export const HOUR_MS = 3600_000;
export const DAY_MS = 24 * HOUR_MS;

/** Availability class of a status (contract §7). */
export function availability(status: string): "up" | "down" | "nodata" {
  switch (status as EnvironmentStatus) {
    case "healthy":
    case "degraded":
      return "up";
    case "unhealthy":
    case "unreachable":
      return "down";
    default:
      return "nodata";
  }
}

/** Severity rank, lower is worse (contract §4 order). */
const RANK: Record<string, number> = { unhealthy: 0, unreachable: 1, unauthorized: 2, degraded: 3, unknown: 4, healthy: 5 };

export function worse(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return (RANK[a] ?? 9) <= (RANK[b] ?? 9) ? a : b;
}

/** Whether a status belongs to an incident: neither healthy nor unknown. */
export function isIncidentStatus(status: string): boolean {
  return status !== "healthy" && status !== "unknown";
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : Math.round((s[m - 1] + s[m]) / 2);
}

export function floorTo(t: number, step: number): number {
  return Math.floor(t / step) * step;
}

/** Percent with two decimals, null without up or down time. */
export function percent(up: number, down: number): number | null {
  if (up + down <= 0) return null;
  return Math.round((up / (up + down)) * 10_000) / 100;
}
