import { matchesStatuses, matchesTags, readFleetFilter, writeFleetFilter, type FleetFilter } from "@/lib/fleet-filter";
import type { EnvironmentSummary } from "@/lib/monitor/dto";
import { emptyStatusCounts, isProblemStatus, type StatusCounts } from "@/lib/vocabulary";
import { KIND_LABEL } from "../format";

/**
 * The board's and the wall's view filter, kept in the URL so a link reproduces the view: the API's
 * fleet filter (`tag=key:value`, `status=a,b`) plus `q` (free text) on the board and `problemsOnly`
 * on the wall.
 */
export interface ViewFilter extends FleetFilter {
  text: string;
  problemsOnly: boolean;
}

const OWN_PARAMS = ["tag", "status", "q", "problemsOnly"];

function truthy(v: string | null): boolean {
  return v !== null && v !== "0" && v.toLowerCase() !== "false";
}

/** Reads a filter from query parameters; malformed parts are ignored rather than breaking the page. */
export function parseViewFilter(params: URLSearchParams): ViewFilter {
  return {
    ...readFleetFilter(params).filter,
    text: (params.get("q") ?? "").slice(0, 200),
    problemsOnly: truthy(params.get("problemsOnly")),
  };
}

/** Writes a filter into query parameters, keeping any parameter it does not own (e.g. `rotate`). */
export function viewFilterSearch(filter: ViewFilter, base: URLSearchParams): string {
  const out = new URLSearchParams();
  for (const [k, v] of base) if (!OWN_PARAMS.includes(k)) out.append(k, v);
  writeFleetFilter(filter, out);
  if (filter.text.trim()) out.set("q", filter.text);
  if (filter.problemsOnly) out.set("problemsOnly", "1");
  return out.toString();
}

export function isFiltering(f: ViewFilter): boolean {
  return f.tags.length > 0 || f.statuses.length > 0 || f.text.trim() !== "" || f.problemsOnly;
}

function matchesText(env: EnvironmentSummary, needle: string): boolean {
  if (!needle) return true;
  const hay = [env.name, env.id, KIND_LABEL[env.kind], env.airflowVersion ?? "", ...Object.entries(env.tags).map(([k, v]) => `${k}:${v}`)];
  return hay.some((h) => h.toLowerCase().includes(needle));
}

/** Everything but the status filter: what the status counts are computed over. */
export function matchesScope(env: EnvironmentSummary, f: ViewFilter): boolean {
  if (f.problemsOnly && !isProblemStatus(env.status)) return false;
  if (!matchesTags(env.tags, f.tags)) return false;
  return matchesText(env, f.text.trim().toLowerCase());
}

export interface FilteredFleet {
  /** The environments to show, in the server's order (worst first). */
  shown: EnvironmentSummary[];
  /** Counts per status over the scope (tags, text, problemsOnly), ignoring the status filter. */
  counts: StatusCounts;
  scopeSize: number;
}

export function applyViewFilter(envs: readonly EnvironmentSummary[], f: ViewFilter): FilteredFleet {
  const counts = emptyStatusCounts();
  const shown: EnvironmentSummary[] = [];
  let scopeSize = 0;
  for (const env of envs) {
    if (!matchesScope(env, f)) continue;
    scopeSize++;
    counts[env.status]++;
    if (matchesStatuses(env.status, f.statuses)) shown.push(env);
  }
  return { shown, counts, scopeSize };
}

/**
 * Case-insensitive, then exact: the same menu order in every browser whatever its locale, and no
 * `localeCompare`, whose first call loads an ICU collator (about 20 ms in a fresh Chromium page,
 * spent inside the board's first render with data).
 */
function byText(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : a < b ? -1 : a > b ? 1 : 0;
}

/** Every tag key with its values and how many environments carry each, sorted for a stable menu. */
export function collectTags(envs: readonly EnvironmentSummary[]): { key: string; values: { value: string; count: number }[] }[] {
  const byKey = new Map<string, Map<string, number>>();
  for (const env of envs) {
    for (const [k, v] of Object.entries(env.tags)) {
      const values = byKey.get(k) ?? new Map<string, number>();
      values.set(v, (values.get(v) ?? 0) + 1);
      byKey.set(k, values);
    }
  }
  return [...byKey.entries()]
    .sort(([a], [b]) => byText(a, b))
    .map(([key, values]) => ({
      key,
      values: [...values.entries()].sort(([a], [b]) => byText(a, b)).map(([value, count]) => ({ value, count })),
    }));
}
