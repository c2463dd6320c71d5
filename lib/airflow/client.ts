import { AirflowError, errorDetail } from "./errors";
import {
  reshapeDag,
  reshapeDagPage,
  reshapeHealth,
  reshapeImportErrorPage,
  reshapeRunPage,
  reshapeVersion,
} from "./reshape";
import type { ApiRequest, Transport } from "./transport";
import type { ApiVersion, Dag, DagRun, Health, ImportError, ListRunsQuery, Page, VersionInfo } from "./types";

/**
 * The Airflow REST client: the same calls over `/api/v1` (Airflow 2) and `/api/v2` (Airflow 3),
 * delivered by any `Transport` (direct HTTP, MWAA, Composer) and reshaped by reshape.ts.
 * Every method rejects only with an `AirflowError`.
 */
export interface AirflowRestClient {
  getHealth(version: ApiVersion, signal: AbortSignal): Promise<Health>;
  getVersion(version: ApiVersion, signal: AbortSignal): Promise<VersionInfo>;
  /** Non-stale DAGs (paused ones included), by `dag_id`. */
  listDags(version: ApiVersion, page: { offset: number; limit: number }, signal: AbortSignal): Promise<Page<Dag>>;
  /** One DAG; kind `not_found` when Airflow does not know it. */
  getDag(version: ApiVersion, dagId: string, signal: AbortSignal): Promise<Dag>;
  /** Runs of all DAGs, oldest update first (or newest start first with `newestFirst`). */
  listRuns(version: ApiVersion, query: ListRunsQuery, signal: AbortSignal): Promise<Page<DagRun>>;
  listImportErrors(version: ApiVersion, page: { offset: number; limit: number }, signal: AbortSignal): Promise<Page<ImportError>>;
  /** One DAG's runs, newest start first; kind `not_found` for an unknown DAG. */
  listDagRuns(version: ApiVersion, dagId: string, limit: number, signal: AbortSignal): Promise<DagRun[]>;
  /** A raw call: resolves with the JSON of a 2xx answer, rejects with the mapped error otherwise. */
  call(req: ApiRequest, what: string, signal: AbortSignal): Promise<unknown>;
}

/**
 * Maps a non-2xx JSON answer to an `AirflowError`: 401/403 → `auth`, 404 → `http` (the caller may
 * turn it into `not_found`), 429 → `throttled`, 5xx and other 4xx → `http`. Airflow's short
 * `title`/`detail` text is kept; it never holds credentials.
 */
export function errorFromStatus(status: number, json: unknown, what: string): AirflowError {
  const detail = errorDetail(json);
  const suffix = detail ? `: ${detail}` : "";
  if (status === 401 || status === 403) {
    return new AirflowError({
      kind: "auth",
      message: `Airflow refused access to ${what} (HTTP ${status}${suffix})`,
      httpStatus: status,
    });
  }
  if (status === 429) {
    return new AirflowError({ kind: "throttled", message: `Airflow answered HTTP 429 for ${what}${suffix}`, httpStatus: 429 });
  }
  return new AirflowError({
    kind: "http",
    message: `Airflow answered HTTP ${status} for ${what}${suffix}`,
    httpStatus: status,
  });
}

/** True when a JSON 404 body says the API root itself is missing (Airflow 3's answer to `/api/v1`). */
export function isApiGone(json: unknown): boolean {
  if (json === undefined || json === null || typeof json !== "object") return true;
  const o = json as { error?: unknown; detail?: unknown; title?: unknown };
  if (typeof o.error === "string") return true; // `{"error": "/api/v1 has been removed…"}` / "API route not found"
  return typeof o.detail === "string" && o.detail === "Not Found" && o.title === undefined; // FastAPI's default 404
}

/** Wraps anything unexpected so callers only ever see `AirflowError`. */
export function asAirflowError(e: unknown): AirflowError {
  if (e instanceof AirflowError) return e;
  return new AirflowError({
    kind: "bad_response",
    message: `unexpected failure while reading the answer (${e instanceof Error ? e.name : typeof e})`,
    cause: e,
  });
}

/** Sends one request: a transport failure becomes an `AirflowError`; any HTTP answer is returned as is. */
export async function sendRequest(transport: Transport, req: ApiRequest, signal: AbortSignal): ReturnType<Transport["send"]> {
  try {
    return await transport.send(req, signal);
  } catch (e) {
    throw asAirflowError(e);
  }
}

export function createAirflowRestClient(transport: Transport): AirflowRestClient {
  // Airflow < 2.6 has neither `updated_at_gte` nor `order_by=updated_at` on dagRuns (400 under
  // connexion's strict validation): such a server is then polled by start date instead.
  let v1RunsByStart = false;

  const call = async (req: ApiRequest, what: string, signal: AbortSignal): Promise<unknown> => {
    const res = await sendRequest(transport, req, signal);
    if (res.status >= 200 && res.status < 300) return res.json;
    throw errorFromStatus(res.status, res.json, what);
  };

  const reshape = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      throw asAirflowError(e);
    }
  };

  const dagPath = (dagId: string) => `/dags/${encodeURIComponent(dagId)}`;

  const notFoundDag = (dagId: string, e: AirflowError) =>
    new AirflowError({ kind: "not_found", message: `Airflow has no DAG ${JSON.stringify(dagId)}`, httpStatus: 404, cause: e });

  const getDag: AirflowRestClient["getDag"] = async (version, dagId, signal) => {
    let res;
    try {
      res = await transport.send({ method: "GET", version, path: dagPath(dagId) }, signal);
    } catch (e) {
      throw asAirflowError(e);
    }
    if (res.status === 404 && !isApiGone(res.json)) throw notFoundDag(dagId, errorFromStatus(404, res.json, "the DAG"));
    if (res.status < 200 || res.status >= 300) throw errorFromStatus(res.status, res.json, "the DAG");
    return reshape(() => reshapeDag(version, res.json));
  };

  return {
    call,
    getDag,

    async getHealth(version, signal) {
      const path = version === "v1" ? "/health" : "/monitor/health";
      const json = await call({ method: "GET", version, path, public: true }, "the health check", signal);
      return reshape(() => reshapeHealth(json));
    },

    async getVersion(version, signal) {
      const json = await call({ method: "GET", version, path: "/version", public: true }, "the version", signal);
      return reshape(() => reshapeVersion(json));
    },

    async listDags(version, page, signal) {
      // Stale (deleted-file) DAGs are left out; active vs paused is counted from the items.
      const query = version === "v1" ? { only_active: true } : { exclude_stale: true };
      const json = await call(
        { method: "GET", version, path: "/dags", query: { ...query, limit: page.limit, offset: page.offset } },
        "the DAG list",
        signal,
      );
      return reshape(() => reshapeDagPage(version, json));
    },

    async listRuns(version, q, signal) {
      const build = (byStart: boolean): ApiRequest => {
        const query: ApiRequest["query"] = { limit: q.limit, offset: q.offset };
        if (q.startDateGte) query.start_date_gte = q.startDateGte;
        if (q.states?.length) query.state = q.states;
        if (q.newestFirst) {
          query.order_by = "-start_date";
          if (q.updatedAtGte) query[byStart ? "start_date_gte" : "updated_at_gte"] = q.updatedAtGte;
        } else if (byStart) {
          query.order_by = "start_date";
          if (q.updatedAtGte) query.start_date_gte = q.updatedAtGte;
        } else {
          // Both versions sort by `updated_at`; v2 adds the primary key as tie-breaker itself.
          query.order_by = "updated_at";
          if (q.updatedAtGte) query.updated_at_gte = q.updatedAtGte;
        }
        return { method: "GET", version, path: "/dags/~/dagRuns", query };
      };
      const byStart = version === "v1" && v1RunsByStart;
      const usesUpdatedAt = !byStart && (!q.newestFirst || !!q.updatedAtGte);
      try {
        const json = await call(build(byStart), "the DAG run list", signal);
        return reshape(() => reshapeRunPage(json));
      } catch (e) {
        if (version === "v1" && usesUpdatedAt && e instanceof AirflowError && e.httpStatus === 400) {
          v1RunsByStart = true;
          const json = await call(build(true), "the DAG run list", signal);
          return reshape(() => reshapeRunPage(json));
        }
        throw e;
      }
    },

    async listImportErrors(version, page, signal) {
      const json = await call(
        { method: "GET", version, path: "/importErrors", query: { limit: page.limit, offset: page.offset } },
        "the import error list",
        signal,
      );
      return reshape(() => reshapeImportErrorPage(json));
    },

    async listDagRuns(version, dagId, limit, signal) {
      let res;
      try {
        res = await transport.send(
          { method: "GET", version, path: `${dagPath(dagId)}/dagRuns`, query: { order_by: "-start_date", limit } },
          signal,
        );
      } catch (e) {
        throw asAirflowError(e);
      }
      if (res.status === 404 && !isApiGone(res.json)) throw notFoundDag(dagId, errorFromStatus(404, res.json, "the DAG's runs"));
      if (res.status < 200 || res.status >= 300) throw errorFromStatus(res.status, res.json, "the DAG's runs");
      const page = reshape(() => reshapeRunPage(res.json));
      // Airflow 2 answers an unknown DAG with an empty list: confirm the DAG exists.
      if (page.items.length === 0) await getDag(version, dagId, signal);
      return page.items;
    },
  };
}
