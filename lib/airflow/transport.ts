import type { ApiVersion } from "./types";

/**
 * How a connector reaches one Airflow's REST API. The REST client (client.ts) builds requests
 * relative to the API root (`/api/v1` or `/api/v2`) and a transport knows how to deliver and
 * authenticate them: directly over HTTP(S) (none/basic/bearer/jwt), through an MWAA web-login
 * session or InvokeRestApi, or with a Google token for Composer.
 */
export interface ApiRequest {
  method: "GET" | "POST" | "PATCH";
  version: ApiVersion;
  /** Path relative to the API root, starting with `/`, already percent-encoded: `/dags`, `/monitor/health`. */
  path: string;
  /** Query parameters; arrays repeat the key. Undefined values are dropped. */
  query?: Record<string, string | number | boolean | string[] | undefined>;
  /** JSON body for POST and PATCH. */
  body?: unknown;
  /**
   * The endpoint needs no Airflow login (health, version). A transport may then skip credentials it
   * would first have to obtain, so a rejected login still leaves the environment's health visible.
   */
  public?: boolean;
}

export interface ApiResponse {
  /** The Airflow HTTP status (for InvokeRestApi: `RestApiStatusCode`). */
  status: number;
  /** Parsed JSON body, or undefined when the body was empty. */
  json: unknown;
}

export interface Transport {
  /**
   * Delivers one request. Resolves with any HTTP status whose body is JSON (the REST client maps
   * non-2xx to errors). Rejects with an `AirflowError` for transport failures: timeout, connection,
   * TLS, a redirect or HTML where JSON was expected (`auth`), an oversized or non-JSON body
   * (`bad_response`), missing secrets, and credentials it could not obtain. A transport that holds a
   * session renews it once on 401 or a login redirect before giving up.
   */
  send(req: ApiRequest, signal: AbortSignal): Promise<ApiResponse>;
}

/** Limits applied to every upstream call. */
export interface CallLimits {
  /** Per-request timeout in milliseconds. */
  timeoutMs: number;
  /** Largest accepted response body in bytes. */
  maxBytes: number;
}

export const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;
