import { createConnector } from "./connector-kit";
import { hostPath } from "./http";
import type { CallLimits } from "./transport";
import type { AirflowAuth } from "./transports/auth-strategies";
import { createHttpTransport, trimBaseUrl } from "./transports/http-transport";
import type { ApiVersion, Connector } from "./types";

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
  return createConnector({
    kind: "airflow",
    where: hostPath(baseUrl),
    resolveVersion: settings.apiVersion,
    transportFor: () => transport,
    uiUrl: () => ui,
  });
}
