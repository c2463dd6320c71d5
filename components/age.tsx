"use client";
import { ageSeconds, formatAge } from "./format";
import { useNow } from "./use-now";

/** "12 s" since `iso`, ticking every second on its own so its parent need not re-render. */
export function Age({ iso, suffix = "" }: { iso: string | null; suffix?: string }) {
  const now = useNow();
  if (!now) return <>—</>;
  const s = ageSeconds(iso, now);
  return <>{s === null ? "—" : `${formatAge(s)}${suffix}`}</>;
}

/** Age since an epoch-ms timestamp (e.g. when the browser last received data). */
export function AgeMs({ at, suffix = "" }: { at: number; suffix?: string }) {
  const now = useNow();
  if (!now || !at) return <>—</>;
  return <>{`${formatAge(Math.max(0, Math.round((now - at) / 1000)))}${suffix}`}</>;
}
