/**
 * Wire formats of datetimes. Airflow 2 (marshmallow) writes `+00:00` offsets and Airflow 3 (pydantic)
 * writes `Z`; both print microseconds only when they are not zero, like Python's isoformat.
 */

function base(ms: number): { main: string; micros: number } {
  const d = new Date(ms);
  const iso = d.toISOString(); // 2026-11-21T12:00:00.123Z
  return { main: iso.slice(0, 19), micros: d.getUTCMilliseconds() * 1000 };
}

/** Airflow 2 datetime: `2026-11-21T12:00:00.123000+00:00` (fraction only when non-zero). */
export function isoV1(ms: number): string {
  const { main, micros } = base(ms);
  return micros ? `${main}.${String(micros).padStart(6, "0")}+00:00` : `${main}+00:00`;
}

/** Airflow 3 datetime: `2026-11-21T12:00:00.123000Z` (fraction only when non-zero). */
export function isoV2(ms: number): string {
  const { main, micros } = base(ms);
  return micros ? `${main}.${String(micros).padStart(6, "0")}Z` : `${main}Z`;
}

/** Health heartbeats use `+00:00` with microseconds in both versions (`datetime.isoformat()`). */
export function heartbeat(ms: number, micros: number): string {
  const { main } = base(ms);
  return `${main}.${String(micros % 1_000_000).padStart(6, "0")}+00:00`;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const LENIENT = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?([Zz]|[+-]\d{2}:?\d{2})?$/;

function toMs(m: RegExpMatchArray): number | null {
  const [, y, mo, d, h = "0", mi = "0", s = "0", frac, off] = m;
  const fracMs = frac ? Math.floor(Number(`0${frac}`) * 1000) : 0;
  let ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, fracMs);
  if (Number.isNaN(ms) || +mo < 1 || +mo > 12 || +d < 1 || +d > 31 || +h > 23 || +mi > 59 || +s > 60) return null;
  if (off && off !== "Z" && off !== "z") {
    const sign = off[0] === "-" ? -1 : 1;
    const digits = off.slice(1).replace(":", "");
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
  }
  return ms;
}

/** Strict RFC 3339 as connexion validates `format: date-time` (Airflow 2). Null when invalid. */
export function parseRfc3339(s: string): number | null {
  const m = s.match(RFC3339);
  return m ? toMs(m) : null;
}

/** Pydantic-like parsing (Airflow 3): a space separator, a missing offset (UTC) or a bare date are accepted. */
export function parseLenient(s: string): number | null {
  const m = s.match(LENIENT);
  return m ? toMs(m) : null;
}
