import { parseViewFilter, type ViewFilter } from "../board/view-filter";

/**
 * The wall's options, all in the query string (Grafana-style kiosk URLs):
 * `tag=key:value` (repeatable, AND), `status=a,b`, `problemsOnly=1`, `rotate=<s>` (seconds per page
 * when the environments do not fit one screen) and `refresh=<s>` (how often to poll; the stale
 * banner shows after two intervals without fresh data).
 */
export interface WallOptions {
  filter: ViewFilter;
  rotateS: number;
  refreshS: number;
}

export const WALL_DEFAULTS = { rotateS: 20, refreshS: 10 } as const;
export const WALL_LIMITS = { rotate: [3, 3600], refresh: [1, 300] } as const;

function seconds(raw: string | null, fallback: number, [min, max]: readonly [number, number]): number {
  if (raw === null || raw.trim() === "") return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v)) return fallback;
  return Math.min(max, Math.max(min, v));
}

export function parseWallOptions(params: URLSearchParams): WallOptions {
  return {
    filter: parseViewFilter(params),
    rotateS: seconds(params.get("rotate"), WALL_DEFAULTS.rotateS, WALL_LIMITS.rotate),
    refreshS: seconds(params.get("refresh"), WALL_DEFAULTS.refreshS, WALL_LIMITS.refresh),
  };
}

/** A short description of the selection for the wall's header, e.g. "team: sales · problems only". */
export function describeSelection(f: ViewFilter): string {
  const parts = f.tags.map((t) => `${t.key}: ${t.value}`);
  if (f.statuses.length > 0) parts.push(f.statuses.join(", "));
  if (f.text.trim()) parts.push(`“${f.text.trim()}”`);
  if (f.problemsOnly) parts.push("problems only");
  return parts.join(" · ");
}
