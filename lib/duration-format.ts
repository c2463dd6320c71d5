/**
 * The one place durations and ages become words, shared by the views and the monitor's reasons so
 * a tile never mixes "6 min ago" with "387 s old".
 *
 * Both round the whole value to the precision they will print *before* splitting it into units;
 * splitting first is what produced "1 min 60 s" (minutes floored, seconds rounded separately).
 */

const MIN = 60;
const HOUR = 3600;
const DAY = 86400;

function twoUnits(total: number, big: string, small: string, per: number): string {
  const hi = Math.floor(total / per);
  const lo = total - hi * per;
  return lo === 0 ? `${hi} ${big}` : `${hi} ${big} ${lo} ${small}`;
}

/** How long something took: "42 s", "1 min 5 s", "2 h 3 min", "1 d 4 h" (two units at most). */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return "—";
  const s = Math.round(Math.max(0, seconds));
  if (s < MIN) return `${s} s`;
  if (s < HOUR) return twoUnits(s, "min", "s", MIN);
  const m = Math.round(seconds / MIN);
  if (m < DAY / MIN) return twoUnits(m, "h", "min", HOUR / MIN);
  return twoUnits(Math.round(seconds / HOUR), "d", "h", DAY / HOUR);
}

/**
 * How old something is, in one unit: "45 s", "6 min", "3 h", "2 d". Each unit takes over at 1.5 of
 * itself (90 s → "2 min"), so a ticking age never jumps backwards or shows "60 s".
 */
export function formatAge(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return "—";
  const s = Math.round(Math.max(0, seconds));
  if (s < 90) return `${s} s`;
  if (s < 90 * MIN) return `${Math.round(s / MIN)} min`;
  if (s < 36 * HOUR) return `${Math.round(s / HOUR)} h`;
  return `${Math.round(s / DAY)} d`;
}
