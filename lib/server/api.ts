import "server-only";
import { isAirflowError } from "@/lib/airflow/errors";
import { readFleetFilter, type FleetFilter } from "@/lib/fleet-filter";

/** Small helpers shared by the route handlers: JSON responses, contract error bodies, query parsing. */

const NO_STORE = { "cache-control": "no-store" } as const;

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json; charset=utf-8", ...NO_STORE } });
}

/** Serves an already-serialized JSON body. */
export function jsonText(text: string, status = 200): Response {
  return new Response(text, { status, headers: { "content-type": "application/json; charset=utf-8", ...NO_STORE } });
}

export function apiError(status: number, code: string, message: string): Response {
  return json({ error: { code, message } }, status);
}

export class BadRequest extends Error {}

/** The fleet filter of a request (`?tag=key:value`, `?status=a,b`); throws BadRequest on malformed values. */
export function parseFleetFilter(params: URLSearchParams): FleetFilter {
  const { filter, problems } = readFleetFilter(params);
  if (problems.length > 0) throw new BadRequest(problems[0]);
  return filter;
}

/**
 * A whole-number query parameter from min to max (`limit`, `offset`, `days`); absent or empty gives
 * the fallback, anything else outside the range a BadRequest naming the range.
 */
export function intParam(params: URLSearchParams, name: string, min: number, max: number, fallback: number): number {
  const raw = params.get(name);
  if (raw === null || raw === "") return fallback;
  if (!/^\d{1,7}$/.test(raw) || Number(raw) < min || Number(raw) > max) throw new BadRequest(`${name} must be an integer from ${min} to ${max}`);
  return Number(raw);
}

/** Wraps a handler so BadRequest becomes a 400 and anything unexpected a 500 without internals. */
export async function handle(fn: () => Promise<Response> | Response): Promise<Response> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof BadRequest) return apiError(400, "bad_request", e.message);
    console.error("flightboard: request failed:", e instanceof Error ? e.message : "unknown error");
    return apiError(500, "internal", "internal error");
  }
}

/** Airflow DAG ids: letters, digits, `_ . -`, at most 250 characters. */
const DAG_ID = /^[A-Za-z0-9_.-]{1,250}$/;

/**
 * Whether an id from a request may be put into an upstream path. `.` and `..` match Airflow's
 * character set but are path segments of their own (`/dags/../dagRuns` would leave the DAG), so
 * they never pass.
 */
export function isValidDagId(id: string): boolean {
  return DAG_ID.test(id) && !/^\.+$/.test(id);
}

/** Maps a failed upstream call (the per-DAG runs endpoint) to a contract error response. */
export function upstreamErrorResponse(e: unknown, notFoundMessage: string): Response {
  if (!isAirflowError(e)) throw e;
  if (e.kind === "not_found") return apiError(404, "not_found", notFoundMessage);
  if (e.kind === "throttled") return apiError(429, "throttled", e.message);
  return apiError(502, e.kind, `the environment did not answer: ${e.message}`);
}
