import "server-only";
import type { HistoryResponse, IncidentsResponse } from "@/lib/monitor/dto";
import type { FleetMonitor } from "@/lib/monitor/monitor";
import type { EnvironmentSnapshot } from "@/lib/monitor/snapshot";
import type { HistoryStore } from "@/lib/store/index";
import { type Access, visibilityFilter } from "./access";
import { INCIDENTS_LIMIT } from "@/lib/vocabulary";
import { BadRequest, intParam } from "./api";

/** Query parsing and reads of the history API (contract §7); every value is checked, then bound. */

const DAY_MS = 86_400_000;

/** An ISO-8601 time from a query parameter, or `fallback` when absent; BadRequest when malformed. */
function parseTime(params: URLSearchParams, name: string, fallback: number | undefined): number | undefined {
  const raw = params.get(name);
  if (raw === null || raw === "") return fallback;
  // Full date-times only: "2026-11-21" alone would silently mean midnight UTC.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(raw)) throw new BadRequest(`${name} must be an ISO-8601 time such as 2026-11-21T12:00:00Z`);
  const t = Date.parse(raw);
  if (Number.isNaN(t)) throw new BadRequest(`${name} is not a valid time`);
  return t;
}

/** GET /api/v1/incidents for one viewer. */
export async function incidentsFor(store: HistoryStore, monitor: FleetMonitor, access: Access, params: URLSearchParams): Promise<IncidentsResponse> {
  const state = params.get("state");
  if (state !== null && state !== "open" && state !== "resolved") throw new BadRequest("state must be open or resolved");
  const environment = params.get("environment") ?? undefined;
  if (environment !== undefined && !/^[a-z0-9][a-z0-9-]{0,62}$/.test(environment)) throw new BadRequest("environment must be an environment id");
  const from = parseTime(params, "from", undefined);
  const to = parseTime(params, "to", undefined);
  if (from !== undefined && to !== undefined && from > to) throw new BadRequest("from must not be after to");
  const limit = intParam(params, "limit", 1, INCIDENTS_LIMIT.max, INCIDENTS_LIMIT.default);
  const environments = monitor.environments();
  const filter = visibilityFilter(access, environments);
  // A viewer limited to some environments sees incidents of those only (not of removed ones).
  const visible = filter ? environments.filter(filter).map((env) => env.id) : undefined;
  const incidents = await store.incidents({ environment, state: state ?? undefined, from, to, limit, visible });
  return { incidents };
}

/** GET /api/v1/environments/{id}/history; adds the window's counted runs per hour up to 7 days. */
export async function historyFor(store: HistoryStore, env: EnvironmentSnapshot, params: URLSearchParams, now: number): Promise<HistoryResponse> {
  const to = parseTime(params, "to", now)!;
  const from = parseTime(params, "from", to - DAY_MS)!;
  if (from >= to) throw new BadRequest("from must be before to");
  const maxDays = store.retention.dailyDays;
  if (to - from > maxDays * DAY_MS) throw new BadRequest(`the window must be at most ${maxDays} days (retention.dailyDays)`);
  const body = await store.history(env.id, from, to);
  if (to - from <= 7 * DAY_MS) body.runsPerHour = await store.runsPerHour(env.id, from, to);
  return body;
}
