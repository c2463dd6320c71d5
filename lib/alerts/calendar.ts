import { Cron } from "croner";
import { WEEKDAYS, type Weekday } from "@/lib/config/alerts";

/**
 * Local times on chosen weekdays in an IANA zone (expectations' deadlines, maintenance windows),
 * computed by croner, never by hand: a time that does not exist on a spring-forward day moves to
 * the first instant after the gap; an ambiguous one on a fall-back day is its first occurrence.
 */

const crons = new Map<string, Cron>();

function cronFor(at: string, timezone: string, days: readonly Weekday[]): Cron {
  const key = `${at}|${timezone}|${days.join(",")}`;
  let c = crons.get(key);
  if (!c) {
    const [hh, mm] = at.split(":").map(Number);
    const dow = [...new Set(days.map((d) => WEEKDAYS.indexOf(d)))].sort().join(",");
    // paused: croner only computes instants here; it never schedules anything.
    c = new Cron(`${mm} ${hh} * * ${dow}`, { timezone, paused: true });
    if (crons.size > 500) crons.clear();
    crons.set(key, c);
  }
  return c;
}

/** The last `n` occurrences at or before `now`, newest first. */
export function occurrencesUpTo(now: number, at: string, timezone: string, days: readonly Weekday[], n: number): number[] {
  // croner works in whole seconds and excludes its reference: ask from the next second, drop any
  // occurrence still ahead of `now`.
  return cronFor(at, timezone, days)
    .previousRuns(n + 1, new Date(Math.floor(now / 1000) * 1000 + 1000))
    .map((d) => d.getTime())
    .filter((t) => t <= now)
    .slice(0, n);
}

/** The first occurrence after `now`, or null. */
export function nextOccurrence(now: number, at: string, timezone: string, days: readonly Weekday[]): number | null {
  return cronFor(at, timezone, days).nextRun(new Date(now))?.getTime() ?? null;
}

/** The window [start, end) containing `now`, if any (a window longer than a day may overlap the next). */
export function windowAt(now: number, w: { at: string; timezone: string; days: readonly Weekday[]; durationMinutes: number }): { start: number; end: number } | null {
  for (const start of occurrencesUpTo(now, w.at, w.timezone, w.days, 8)) {
    const end = start + w.durationMinutes * 60_000;
    if (now >= start && now < end) return { start, end };
  }
  return null;
}
