import { severityRank } from "../vocabulary";

/** `retention:` of contract §7. */
export interface RetentionConfig {
  rawHours: number;
  hourlyDays: number;
  dailyDays: number;
}

export const RETENTION_DEFAULTS: RetentionConfig = { rawHours: 48, hourlyDays: 90, dailyDays: 400 };

export const HOUR_MS = 3600_000;
export const DAY_MS = 24 * HOUR_MS;

/** The worse of two statuses (contract §4 order); a word that is not a status counts as the least severe. */
export function worse(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  const rank = (s: string) => (severityRank(s) < 0 ? Infinity : severityRank(s));
  return rank(a) <= rank(b) ? a : b;
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
