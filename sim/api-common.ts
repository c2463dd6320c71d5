import type { DagDef } from "./dag-model";
import type { EnvModel } from "./env-model";
import { ilikeContains, type Query, type SimResponse } from "./http-util";
import type { Bound, OrderKey, TimeField } from "./run-query";
import type { SimEnvironmentSpec } from "./types";
import { importErrors, type ImportErrorDef } from "./wire";

/** What a route handler needs to answer. */
export interface RouteCtx {
  spec: SimEnvironmentSpec;
  model: EnvModel;
  now: number;
  seedHash: number;
}

/** Thrown by parameter parsing and lookups; carries the response to send. */
export class ApiError extends Error {
  constructor(readonly response: SimResponse) {
    super(`HTTP ${response.status}`);
  }
}

export interface DagFilter {
  includeStale: boolean;
  paused?: boolean;
  tags?: string[];
  tagsAll?: boolean;
  owners?: string[];
  /** SQL-LIKE substrings, OR'ed. */
  patterns?: string[];
}

export function filterDags(m: EnvModel, f: DagFilter): DagDef[] {
  const res = f.patterns?.filter((p) => p !== "~").map(ilikeContains);
  return m.dags.filter((d) =>
    (f.includeStale || !d.stale) &&
    (f.paused === undefined || d.paused === f.paused) &&
    (!f.tags?.length || (f.tagsAll ? f.tags.every((t) => d.tags.includes(t)) : f.tags.some((t) => d.tags.includes(t)))) &&
    (!f.owners?.length || f.owners.some((o) => d.owners.includes(o))) &&
    (!res?.length || res.some((re) => re.test(d.dagId))));
}

export function currentImportErrors(m: EnvModel): ImportErrorDef[] {
  return m.scenario() === "import-errors" ? importErrors(m) : [];
}

export function dagHasImportErrors(m: EnvModel, d: DagDef): boolean {
  return m.scenario() === "import-errors" && d.index === m.brokenDag;
}

export function sortImportErrors(list: ImportErrorDef[], key: string, desc: boolean): ImportErrorDef[] {
  const val = (e: ImportErrorDef): number | string => (key === "timestamp" ? e.at : key === "filename" ? e.fileRel : key === "stacktrace" ? e.trace : e.id);
  return [...list].sort((a, b) => {
    const x = val(a), y = val(b);
    return (x < y ? -1 : x > y ? 1 : 0) * (desc ? -1 : 1);
  });
}

/** order_by values accepted per version, mapped to the run stream's sort keys. */
export const RUN_ORDER_V1: Record<string, OrderKey> = {
  id: "id", state: "state", dag_id: "dagId", execution_date: "logical", dag_run_id: "runId", start_date: "start",
  end_date: "end", updated_at: "updated", external_trigger: "const", conf: "const",
};
export const RUN_ORDER_V2: Record<string, OrderKey> = {
  id: "id", state: "state", dag_id: "dagId", run_id: "runId", dag_run_id: "runId", logical_date: "logical",
  run_after: "runAfter", start_date: "start", end_date: "end", updated_at: "updated", conf: "const", duration: "duration",
};

/** Time filters: query parameter prefix → run field. */
export const TIME_FILTERS_V1: Record<string, TimeField> = {
  execution_date: "logical", start_date: "start", end_date: "end", updated_at: "updated",
};
export const TIME_FILTERS_V2: Record<string, TimeField> = {
  run_after: "runAfter", logical_date: "logical", start_date: "start", end_date: "end", updated_at: "updated",
};

export function firstValue(q: Query, key: string): string | undefined {
  return q.get(key)?.[0];
}

export type Bounds = Partial<Record<TimeField, Bound>>;

/** The read endpoints both API versions serve, each version's own handler for each. */
export interface ReadHandlers {
  listDags(q: Query): SimResponse;
  getDag(q: Query, dagId: string): SimResponse;
  listRuns(q: Query, dagId: string): SimResponse;
  listImportErrors(q: Query): SimResponse;
  dagStats(q: Query): SimResponse;
}

/**
 * Routes an authenticated read below the API root (`path` relative to it) to its handler; a method
 * other than GET gets the version's `notAllowed` answer, an ApiError its response. Null when no
 * route matches.
 */
export function routeReads(method: string, path: string, q: Query, h: ReadHandlers, notAllowed: () => SimResponse): SimResponse | null {
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  const get = (fn: () => SimResponse) => (method === "GET" ? fn() : notAllowed());
  try {
    if (parts.length === 1 && parts[0] === "dags") return get(() => h.listDags(q));
    if (parts.length === 2 && parts[0] === "dags") return get(() => h.getDag(q, parts[1]));
    if (parts.length === 3 && parts[0] === "dags" && parts[2] === "dagRuns") return get(() => h.listRuns(q, parts[1]));
    if (parts.length === 1 && parts[0] === "importErrors") return get(() => h.listImportErrors(q));
    if (parts.length === 1 && parts[0] === "dagStats") return get(() => h.dagStats(q));
    return null;
  } catch (e) {
    if (e instanceof ApiError) return e.response;
    throw e;
  }
}
