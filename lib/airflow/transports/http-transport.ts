import { AirflowError, errorDetail } from "../errors";
import { jsonFromUpstream, upstreamFetch } from "../http";
import type { ApiRequest, ApiResponse, CallLimits, Transport } from "../transport";
import { airflowAuthStrategy, type AirflowAuth, type AuthStrategy, type Rejection } from "./auth-strategies";

/** Settings of a transport to an Airflow web server reachable over HTTP(S). */
export interface HttpTransportOptions {
  /** Web-server base URL; may include a path prefix (`https://host/airflow`). */
  baseUrl: string;
  auth: AirflowAuth | AuthStrategy;
  limits: CallLimits;
  fetch?: typeof fetch;
  /** Clock for token expiry (tests). */
  now?: () => number;
}

/** `baseUrl` without trailing slashes. */
export function trimBaseUrl(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, "");
}

/** `{baseUrl}/api/{version}{path}?{query}`; arrays repeat the key, undefined values are dropped. */
export function buildApiUrl(baseUrl: string, req: Pick<ApiRequest, "version" | "path" | "query">): string {
  const qs = encodeQuery(req.query);
  return `${trimBaseUrl(baseUrl)}/api/${req.version}${req.path}${qs ? `?${qs}` : ""}`;
}

/** Encodes `ApiRequest.query`. */
export function encodeQuery(query: ApiRequest["query"]): string {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) params.append(key, v);
    else params.append(key, String(value));
  }
  return params.toString();
}

function isStrategy(a: AirflowAuth | AuthStrategy): a is AuthStrategy {
  return typeof (a as AuthStrategy).headers === "function";
}

/**
 * A transport to an Airflow web server: builds the URL under `/api/v1` or `/api/v2`, adds the
 * auth headers, judges the answer (redirects and HTML → `auth`, see `jsonFromUpstream`) and, when
 * the strategy holds renewable credentials, retries once after a 401, an invalid token or a login
 * page. It counts nothing and keeps no state besides the strategy's token.
 */
export function createHttpTransport(opts: HttpTransportOptions): Transport {
  const baseUrl = trimBaseUrl(opts.baseUrl);
  const auth = isStrategy(opts.auth)
    ? opts.auth
    : airflowAuthStrategy(opts.auth, { baseUrl, limits: opts.limits, fetch: opts.fetch, now: opts.now });

  // Static credentials are always sent (a proxy in front may want them); an Airflow 3 login is not
  // needed for its public endpoints.
  const loginBased = !isStrategy(opts.auth) && opts.auth.type === "jwt";
  const attempt = async (req: ApiRequest, signal: AbortSignal) => {
    const url = buildApiUrl(baseUrl, req);
    const authHeaders = req.public && loginBased ? {} : await auth.headers(signal);
    const headers: Record<string, string> = { accept: "application/json", ...authHeaders };
    let body: string | undefined;
    if (req.method !== "GET") {
      headers["content-type"] = "application/json";
      body = JSON.stringify(req.body ?? {});
    }
    const res = await upstreamFetch(url, { method: req.method, headers, body, signal, limits: opts.limits, fetch: opts.fetch });
    return { url, res, authHeaders };
  };

  return {
    async send(req, signal): Promise<ApiResponse> {
      let retried = false;
      for (;;) {
        const { url, res, authHeaders } = await attempt(req, signal);
        let answer: ApiResponse;
        try {
          answer = jsonFromUpstream(res, url);
        } catch (e) {
          // A login page instead of JSON may mean an expired session: renew once.
          if (!retried && e instanceof AirflowError && e.kind === "auth" && auth.rejected) {
            const rejection: Rejection = { status: res.status, loginPage: true };
            if (auth.rejected(authHeaders, rejection)) {
              retried = true;
              continue;
            }
          }
          throw e;
        }
        if (!retried && (answer.status === 401 || answer.status === 403) && auth.rejected) {
          const rejection: Rejection = { status: answer.status, detail: errorDetail(answer.json) };
          if (auth.rejected(authHeaders, rejection)) {
            retried = true;
            continue;
          }
        }
        return answer;
      }
    },
  };
}
