"use client";
import { ageSeconds, formatAge } from "./format";
import { useNow } from "./use-now";

/**
 * "12 s" since `iso`, ticking on its own so its parent need not re-render. `step` (seconds) sets
 * how often it changes: a board of 300 tiles uses 5, so it re-renders 120 small text nodes a
 * second instead of 600.
 */
export function Age({ iso, suffix = "", step = 1 }: { iso: string | null; suffix?: string; step?: number }) {
  const now = useNow(step);
  if (!now) return <>—</>;
  const s = ageSeconds(iso, now);
  return <>{s === null ? "—" : `${formatAge(step > 1 && s >= step ? Math.floor(s / step) * step : s)}${suffix}`}</>;
}

/** Age since an epoch-ms timestamp (e.g. when the browser last received data). */
export function AgeMs({ at, suffix = "" }: { at: number; suffix?: string }) {
  const now = useNow();
  if (!now || !at) return <>—</>;
  return <>{`${formatAge(Math.max(0, Math.round((now - at) / 1000)))}${suffix}`}</>;
}
