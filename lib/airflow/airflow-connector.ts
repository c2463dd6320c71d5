import { asAirflowError, createAirflowRestClient, type AirflowRestClient } from "./client";
import { AirflowError } from "./errors";
import { hostPath } from "./http";
import type { CallLimits, Transport } from "./transport";
import { raceSignal } from "./single-flight";
import type { AirflowAuth } from "./transports/auth-strategies";
import { createHttpTransport, trimBaseUrl } from "./transports/http-transport";
import { createAirflowWriteClient } from "./writes";
import type { ApiVersion, Connector, PlatformInfo, VersionInfo } from "./types";

/** Settings of a connector to an Airflow web server reachable over HTTP(S) (kind `airflow`). */
export interface AirflowConnectorSettings {
  /** Web-server base URL; may include a path prefix. */
  baseUrl: string;
  /** `auto` detects `/api/v2` vs `/api/v1` once and again after a 404 on the API root. */
  apiVersion: "auto" | ApiVersion;
  auth: AirflowAuth;
  limits: CallLimits;
  /** Airflow UI base for deep links; default `baseUrl`. */
  uiUrl?: string;
  fetch?: typeof fetch;
  /** Clock for token expiry (tests). */
  now?: () => number;
}

/** Building blocks shared by every REST-based connector (airflow, and reusable by mwaa/composer). */
export interface RestConnectorOptions {
  kind: Connector["kind"];
  transport: Transport;
  apiVersion: "auto" | ApiVersion;
  /** Human label of where the API lives, for messages (e.g. `host/prefix`). */
  where: string;
  uiUrl: () => string | null;
  getPlatform?: (signal: AbortSignal) => Promise<PlatformInfo | null>;
  close?: () => void;
}

/**
 * A `Connector` over the REST client with API-version detection: `GET /api/v2/version`, and on a
 * 404 `GET /api/v1/version`. The result is kept; a call that later gets a 404 for the API root
 * (Airflow upgraded or downgraded) triggers one re-detection and one retry.
 */
export function createRestConnector(opts: RestConnectorOptions): Connector {
  const client: AirflowRestClient = createAirflowRestClient(opts.transport);
  const writes = createAirflowWriteClient(opts.transport);
  let detected: ApiVersion | null = opts.apiVersion === "auto" ? null : opts.apiVersion;
  let detecting: Promise<{ version: ApiVersion; info: VersionInfo }> | null = null;

  const is404 = (e: unknown) => e instanceof AirflowError && e.httpStatus === 404 && e.kind !== "not_found";

  const detect = (signal: AbortSignal): Promise<{ version: ApiVersion; info: VersionInfo }> => {
    if (!detecting) {
      // Shared by concurrent callers, so not tied to one caller's signal; each call has its timeout.
      const shared = new AbortController().signal;
      detecting = (async () => {
        try {
          const info = await client.getVersion("v2", shared);
          return { version: "v2" as const, info };
        } catch (e) {
          if (!is404(e)) throw e;
        }
        try {
          const info = await client.getVersion("v1", shared);
          return { version: "v1" as const, info };
        } catch (e) {
          if (!is404(e)) throw e;
          throw new AirflowError({
            kind: "http",
            message: `no Airflow REST API at ${opts.where}: /api/v2/version and /api/v1/version both answered 404`,
            httpStatus: 404,
            cause: e,
          });
        }
      })()
        .then((r) => {
          detected = r.version;
          return r;
        })
        .finally(() => {
          detecting = null;
        });
    }
    return raceSignal(detecting, signal);
  };

  const current = async (signal: AbortSignal): Promise<ApiVersion> => detected ?? (await detect(signal)).version;

  /** Runs `fn` with the API version; re-detects once on a 404 for the API root. */
  const run = async <T>(signal: AbortSignal, fn: (v: ApiVersion) => Promise<T>): Promise<T> => {
    try {
      const v = await current(signal);
      try {
        return await fn(v);
      } catch (e) {
        if (opts.apiVersion !== "auto" || !is404(e)) throw e;
        detected = null;
        const again = await current(signal);
        if (again === v) throw e;
        return await fn(again);
      }
    } catch (e) {
      throw asAirflowError(e);
    }
  };

  return {
    kind: opts.kind,
    getPlatform: async (signal) => {
      if (!opts.getPlatform) return null;
      try {
        return await opts.getPlatform(signal);
      } catch (e) {
        throw asAirflowError(e);
      }
    },
    getHealth: (signal) => run(signal, (v) => client.getHealth(v, signal)),
    getVersion: async (signal) => {
      if (opts.apiVersion === "auto" && detected === null) {
        try {
          return (await detect(signal)).info;
        } catch (e) {
          throw asAirflowError(e);
        }
      }
      return run(signal, (v) => client.getVersion(v, signal));
    },
    apiVersion: () => detected,
    uiUrl: () => opts.uiUrl(),
    listDags: (page, signal) => run(signal, (v) => client.listDags(v, page, signal)),
    listRuns: (query, signal) => run(signal, (v) => client.listRuns(v, query, signal)),
    listImportErrors: (page, signal) => run(signal, (v) => client.listImportErrors(v, page, signal)),
    listDagRuns: (dagId, limit, signal) => run(signal, (v) => client.listDagRuns(v, dagId, limit, signal)),
    triggerRun: (dagId, input, signal) => run(signal, (v) => writes.triggerRun(v, dagId, input, signal)),
    clearFailed: (dagId, runId, signal) => run(signal, (v) => writes.clearFailed(v, dagId, runId, signal)),
    setPaused: (dagId, paused, signal) => run(signal, (v) => writes.setPaused(v, dagId, paused, signal)),
    close: opts.close,
  };
}

/** A connector for an Airflow web server reached directly (none / basic / bearer / JWT auth). */
export function createAirflowConnector(settings: AirflowConnectorSettings): Connector {
  const baseUrl = trimBaseUrl(settings.baseUrl);
  const transport = createHttpTransport({
    baseUrl,
    auth: settings.auth,
    limits: settings.limits,
    fetch: settings.fetch,
    now: settings.now,
  });
  const ui = trimBaseUrl(settings.uiUrl ?? baseUrl);
  return createRestConnector({
    kind: "airflow",
    transport,
    apiVersion: settings.apiVersion,
    where: hostPath(baseUrl),
    uiUrl: () => ui,
  });
}
