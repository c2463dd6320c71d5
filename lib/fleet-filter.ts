import { ENVIRONMENT_STATUSES, isEnvironmentStatus, type EnvironmentStatus } from "./vocabulary";

/**
 * The fleet filter of contract §4: `?tag=key:value` (repeatable, all must match) and
 * `?status=a,b` (any of them; none given: every status). `/api/v1/fleet` and `/events` read it, and
 * the board and the wall keep it in their address (with their own extras, see components/board).
 * One reader for both, so a board link and an API query mean the same environments.
 */
export interface FleetFilter {
  tags: TagCondition[];
  /** In severity order, without repeats; empty: every status. */
  statuses: EnvironmentStatus[];
}

export interface TagCondition {
  key: string;
  value: string;
}

export interface ReadFilter {
  filter: FleetFilter;
  /** Malformed parts in words: the API answers 400 with the first; the views drop them (a link never breaks a page). */
  problems: string[];
}

/** Reads `tag` and `status` from query parameters; other parameters are left to the caller. */
export function readFleetFilter(params: URLSearchParams): ReadFilter {
  const problems: string[] = [];
  const tags: TagCondition[] = [];
  for (const raw of params.getAll("tag")) {
    const i = raw.indexOf(":");
    if (i <= 0) problems.push(`tag must look like key:value, got "${raw.slice(0, 100)}"`);
    else if (!tags.some((t) => t.key === raw.slice(0, i) && t.value === raw.slice(i + 1))) tags.push({ key: raw.slice(0, i), value: raw.slice(i + 1) });
  }
  const wanted = new Set<string>();
  for (const part of params.getAll("status").flatMap((s) => s.split(","))) {
    const word = part.trim().toLowerCase();
    if (isEnvironmentStatus(word)) wanted.add(word);
    else if (word) problems.push(`status must be one of ${ENVIRONMENT_STATUSES.join(", ")}; got "${part.trim().slice(0, 50)}"`);
  }
  return { filter: { tags, statuses: ENVIRONMENT_STATUSES.filter((s) => wanted.has(s)) }, problems };
}

/** Appends the filter to `out` in the form readFleetFilter reads. */
export function writeFleetFilter(filter: FleetFilter, out: URLSearchParams): void {
  for (const t of filter.tags) out.append("tag", `${t.key}:${t.value}`);
  if (filter.statuses.length > 0) out.set("status", filter.statuses.join(","));
}

export function matchesTags(tags: Readonly<Record<string, string>>, conditions: readonly TagCondition[]): boolean {
  return conditions.every(({ key, value }) => tags[key] === value);
}

export function matchesStatuses(status: EnvironmentStatus, statuses: readonly EnvironmentStatus[]): boolean {
  return statuses.length === 0 || statuses.includes(status);
}

export function matchesFleetFilter(env: { status: EnvironmentStatus; tags: Readonly<Record<string, string>> }, f: FleetFilter): boolean {
  return matchesStatuses(env.status, f.statuses) && matchesTags(env.tags, f.tags);
}
