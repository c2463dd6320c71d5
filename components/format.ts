/** Human formatting shared by the views. Durations and ages live in lib/duration-format (the monitor words reasons with them too). */
import type { EnvironmentKind } from "@/lib/vocabulary";

export { formatAge, formatDuration } from "@/lib/duration-format";

export function ageSeconds(isoTime: string | null, now: number): number | null {
  if (!isoTime) return null;
  const t = Date.parse(isoTime);
  return Number.isNaN(t) ? null : Math.max(0, Math.round((now - t) / 1000));
}

export function formatTime(isoTime: string | null): string {
  if (!isoTime) return "—";
  const d = new Date(isoTime);
  return Number.isNaN(d.getTime()) ? "—" : d.toISOString().replace("T", " ").slice(0, 19) + " UTC";
}

export const KIND_LABEL: Record<EnvironmentKind, string> = { airflow: "Airflow", mwaa: "MWAA", composer: "Composer" };

/** "3 failing DAGs" / "1 failing DAG". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Local wall-clock time, 24 h, for the wall screen's clock. */
export function formatClock(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** Short local time of a run ("14:05") with the date when it is not today. */
export function formatShortTime(isoTime: string | null, now = Date.now()): string {
  if (!isoTime) return "—";
  const d = new Date(isoTime);
  if (Number.isNaN(d.getTime())) return "—";
  const p = (n: number) => String(n).padStart(2, "0");
  const hm = `${p(d.getHours())}:${p(d.getMinutes())}`;
  return new Date(now).toDateString() === d.toDateString() ? hm : `${d.getMonth() + 1}/${d.getDate()} ${hm}`;
}
