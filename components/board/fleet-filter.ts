import type { EnvironmentStatus, EnvironmentSummary, StatusCounts } from "@/lib/monitor/dto";
import { KIND_LABEL } from "../format";
import { emptyCounts, isProblem, isStatus, STATUS_ORDER } from "../status-meta";

/**
 * The board's and the wall's view filter, kept in the URL so a link reproduces the view. Same
 * parameter shapes as `/api/v1/fleet`: `tag=key:value` (repeatable, AND) and `status=a,b`, plus
 * `q` (free text) on the board and `problemsOnly` on the wall.
 */
export interface FleetFilter {
  tags: { key: string; value: string }[];
  statuses: EnvironmentStatus[];
  text: string;
  problemsOnly: boolean;
}

const OWN_PARAMS = ["tag", "status", "q", "problemsOnly"];

function truthy(v: string | null): boolean {
  return v !== null && v !== "0" && v.toLowerCase() !== "false";
}

/** Reads a filter from query parameters; malformed parts are ignored rather than breaking the page. */
export function parseFleetFilter(params: URLSearchParams): FleetFilter {
  const tags: FleetFilter["tags"] = [];
  for (const raw of params.getAll("tag")) {
    const i = raw.indexOf(":");
    if (i > 0 && !tags.some((t) => t.key === raw.slice(0, i) && t.value === raw.slice(i + 1))) {
      tags.push({ key: raw.slice(0, i), value: raw.slice(i + 1) });
    }
  }
  const wanted = new Set(
    params
      .getAll("status")
      .flatMap((s) => s.split(","))
      .map((s) => s.trim().toLowerCase())
      .filter(isStatus),
  );
  return {
    tags,
    statuses: STATUS_ORDER.filter((s) => wanted.has(s)),
    text: (params.get("q") ?? "").slice(0, 200),
    problemsOnly: truthy(params.get("problemsOnly")),
  };
}

/** Writes a filter into query parameters, keeping any parameter it does not own (e.g. `rotate`). */
export function fleetFilterSearch(filter: FleetFilter, base: URLSearchParams): string {
  const out = new URLSearchParams();
  for (const [k, v] of base) if (!OWN_PARAMS.includes(k)) out.append(k, v);
  for (const t of filter.tags) out.append("tag", `${t.key}:${t.value}`);
  if (filter.statuses.length > 0) out.set("status", filter.statuses.join(","));
  if (filter.text.trim()) out.set("q", filter.text);
  if (filter.problemsOnly) out.set("problemsOnly", "1");
  return out.toString();
}

export function isFiltering(f: FleetFilter): boolean {
  return f.tags.length > 0 || f.statuses.length > 0 || f.text.trim() !== "" || f.problemsOnly;
}

function matchesText(env: EnvironmentSummary, needle: string): boolean {
  if (!needle) return true;
  const hay = [env.name, env.id, KIND_LABEL[env.kind], env.airflowVersion ?? "", ...Object.entries(env.tags).map(([k, v]) => `${k}:${v}`)];
  return hay.some((h) => h.toLowerCase().includes(needle));
}

/** Everything but the status filter: what the status counts are computed over. */
export function matchesScope(env: EnvironmentSummary, f: FleetFilter): boolean {
  if (f.problemsOnly && !isProblem(env.status)) return false;
  if (!f.tags.every(({ key, value }) => env.tags[key] === value)) return false;
  return matchesText(env, f.text.trim().toLowerCase());
}

export interface FilteredFleet {
  /** The environments to show, in the server's order (worst first). */
  shown: EnvironmentSummary[];
  /** Counts per status over the scope (tags, text, problemsOnly), ignoring the status filter. */
  counts: StatusCounts;
  scopeSize: number;
}

export function applyFleetFilter(envs: readonly EnvironmentSummary[], f: FleetFilter): FilteredFleet {
  const counts = emptyCounts();
  const shown: EnvironmentSummary[] = [];
  let scopeSize = 0;
  for (const env of envs) {
    if (!matchesScope(env, f)) continue;
    scopeSize++;
    counts[env.status]++;
    if (f.statuses.length === 0 || f.statuses.includes(env.status)) shown.push(env);
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
