import { asAirflowError, createAirflowRestClient, type AirflowRestClient } from "./client";
import { AirflowError } from "./errors";
import { singleFlight } from "./single-flight";
import type { Transport } from "./transport";
import type { ApiVersion, Connector, PlatformInfo, VersionInfo } from "./types";
import { createAirflowWriteClient, type AirflowWriteClient } from "./writes";

/**
 * The connector kit: every connector (self-hosted, MWAA web login, InvokeRestApi or CLI, Composer)
 * is this one factory plus a few hooks. The kit owns what they share: the REST client and the writes
 * over the kind's transport, choosing the API version, error typing, and the Connector surface.
 * Airflow reached without its REST API (the MWAA CLI) plugs in as a `channel` instead of a transport.
 */

export type ConnectorKind = Connector["kind"];

/** What every kind tells the kit, whatever carries its calls. */
interface CommonHooks {
  kind: ConnectorKind;
  /** Where the API lives, for messages (`host/prefix`, `MWAA environment sales`). */
  where: string;
  /** Control-plane state; absent for a web server reached directly. */
  getPlatform?(signal: AbortSignal): Promise<PlatformInfo | null>;
  uiUrl(): string | null;
  /** Rewrites a failure with what only the kind knows (e.g. a private MWAA web server out of reach). */
  explain?(e: AirflowError): AirflowError;
  limitations?(): string[];
  close?(): void;
}

/**
 * Airflow's reads and writes through something other than its REST API (the MWAA CLI channel,
 * lib/airflow/cli): the kit types its errors, runs `explain`, and adds the platform and the UI base.
 */
export type ConnectorChannel = Pick<
  Connector,
  "getHealth" | "getVersion" | "listDags" | "listRuns" | "listImportErrors" | "listDagRuns" | "triggerRun" | "clearFailed" | "setPaused"
>;

export interface ChannelHooks extends CommonHooks {
  channel: ConnectorChannel;
}

export interface RestHooks extends CommonHooks {
  /**
   * The API version of the next call:
   * - `auto`: `GET /api/v2/version`, on a 404 `GET /api/v1/version`; kept, and detected again once when
   *   a later call gets a 404 for the API root (Airflow upgraded or downgraded);
   * - a fixed version;
   * - a function, when the control plane says (MWAA `AirflowVersion`, the Composer image).
   */
  resolveVersion: "auto" | ApiVersion | ((signal: AbortSignal) => Promise<ApiVersion>);
  /**
   * The transport for calls with `version`. Return the same object while nothing changed: the REST
   * client is kept per transport, and a new one (new web server, new session) gets a new client.
   */
  transportFor(version: ApiVersion): Transport;
  /** What `apiVersion()` reports; default: the detected or fixed version; with a function, the version of the last call that answered. */
  knownVersion?(): ApiVersion | null;
}

export type ConnectorHooks = RestHooks | ChannelHooks;

const isApiRoot404 = (e: unknown) => e instanceof AirflowError && e.httpStatus === 404 && e.kind !== "not_found";

/** The parts of a Connector that do not depend on how Airflow is reached. */
function common(hooks: CommonHooks) {
  return {
    kind: hooks.kind,
    getPlatform: async (signal: AbortSignal): Promise<PlatformInfo | null> => {
      if (!hooks.getPlatform) return null;
      try {
        return await hooks.getPlatform(signal);
      } catch (e) {
        // Not `explain`: a control-plane failure says nothing about the web server.
        throw asAirflowError(e);
      }
    },
    uiUrl: () => hooks.uiUrl(),
    ...(hooks.limitations ? { limitations: hooks.limitations } : {}),
    close: hooks.close,
    fail: (e: unknown): AirflowError => {
      const err = asAirflowError(e);
      return hooks.explain ? hooks.explain(err) : err;
    },
  };
}

export function createConnector(hooks: ConnectorHooks): Connector {
  return "channel" in hooks ? channelConnector(hooks) : restConnector(hooks);
}

function channelConnector(hooks: ChannelHooks): Connector {
  const { fail, ...base } = common(hooks);
  const ch = hooks.channel;
  const typed =
    <A extends unknown[], T>(fn: (...args: A) => Promise<T>) =>
    async (...args: A): Promise<T> => {
      try {
        return await fn(...args);
      } catch (e) {
        throw fail(e);
      }
    };
  return {
    ...base,
    getHealth: typed(ch.getHealth),
    getVersion: typed(ch.getVersion),
    // No REST API: no API version to report.
    apiVersion: () => null,
    listDags: typed(ch.listDags),
    listRuns: typed(ch.listRuns),
    listImportErrors: typed(ch.listImportErrors),
    listDagRuns: typed(ch.listDagRuns),
    ...(ch.triggerRun ? { triggerRun: typed(ch.triggerRun) } : {}),
    ...(ch.clearFailed ? { clearFailed: typed(ch.clearFailed) } : {}),
    ...(ch.setPaused ? { setPaused: typed(ch.setPaused) } : {}),
  };
}

function restConnector(hooks: RestHooks): Connector {
  const { fail, ...base } = common(hooks);
  const how = hooks.resolveVersion;
  const auto = how === "auto";
  let detected: ApiVersion | null = typeof how === "string" && how !== "auto" ? how : null;
  let answered: ApiVersion | null = null;
  let api: { transport: Transport; client: AirflowRestClient; writes: AirflowWriteClient } | null = null;

  const detect = singleFlight(async (shared): Promise<{ version: ApiVersion; info: VersionInfo }> => {
    // Detection calls take the shared signal: each is bounded by the transport's own timeout.
    const { client } = apiFor("v2");
    try {
      const info = await client.getVersion("v2", shared);
      detected = "v2";
      return { version: "v2", info };
    } catch (e) {
      if (!isApiRoot404(e)) throw e;
    }
    try {
      const info = await apiFor("v1").client.getVersion("v1", shared);
      detected = "v1";
      return { version: "v1", info };
    } catch (e) {
      if (!isApiRoot404(e)) throw e;
      throw new AirflowError({
        kind: "http",
        message: `no Airflow REST API at ${hooks.where}: /api/v2/version and /api/v1/version both answered 404`,
        httpStatus: 404,
        cause: e,
      });
    }
  });

  const version = async (signal: AbortSignal): Promise<ApiVersion> => {
    if (typeof how === "function") return how(signal);
    return detected ?? (await detect(signal)).version;
  };

  function apiFor(v: ApiVersion) {
    const transport = hooks.transportFor(v);
    if (api?.transport !== transport) api = { transport, client: createAirflowRestClient(transport), writes: createAirflowWriteClient(transport) };
    return api;
  }

  /** Runs `fn` with the API version; with `auto`, detects again once after a 404 for the API root. */
  const run = async <T>(signal: AbortSignal, fn: (a: NonNullable<typeof api>, v: ApiVersion) => Promise<T>): Promise<T> => {
    try {
      const v = await version(signal);
      try {
        const out = await fn(apiFor(v), v);
        answered = v;
        return out;
      } catch (e) {
        if (!auto || !isApiRoot404(e)) throw e;
        detected = null;
        const again = await version(signal);
        if (again === v) throw e;
        const out = await fn(apiFor(again), again);
        answered = again;
        return out;
      }
    } catch (e) {
      throw fail(e);
    }
  };

  return {
    ...base,
    getHealth: (signal) => run(signal, (a, v) => a.client.getHealth(v, signal)),
    getVersion: async (signal) => {
      // The first detection already read the version: no second call.
      if (auto && detected === null) {
        try {
          const { info } = await detect(signal);
          return info;
        } catch (e) {
          throw fail(e);
        }
      }
      return run(signal, (a, v) => a.client.getVersion(v, signal));
    },
    apiVersion: () => (hooks.knownVersion ? hooks.knownVersion() : typeof how === "function" ? answered : detected),
    listDags: (page, signal) => run(signal, (a, v) => a.client.listDags(v, page, signal)),
    listRuns: (query, signal) => run(signal, (a, v) => a.client.listRuns(v, query, signal)),
    listImportErrors: (page, signal) => run(signal, (a, v) => a.client.listImportErrors(v, page, signal)),
    listDagRuns: (dagId, limit, signal) => run(signal, (a, v) => a.client.listDagRuns(v, dagId, limit, signal)),
    // Writes travel the same transport as reads (sessions, tokens, the InvokeRestApi rate limit); sent once.
    triggerRun: (dagId, input, signal) => run(signal, (a, v) => a.writes.triggerRun(v, dagId, input, signal)),
    clearFailed: (dagId, runId, signal) => run(signal, (a, v) => a.writes.clearFailed(v, dagId, runId, signal)),
    setPaused: (dagId, paused, signal) => run(signal, (a, v) => a.writes.setPaused(v, dagId, paused, signal)),
  };
}
