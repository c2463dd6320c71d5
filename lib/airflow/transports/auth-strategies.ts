import type { AirflowAuthConfig, SecretRef } from "@/lib/config/types";
import { AirflowError, errorDetail } from "../errors";
import { hostPath, jsonFromUpstream, upstreamFetch } from "../http";
import type { CallLimits } from "../transport";
import { createTokenCache, jwtExpiry } from "./token-cache";

/**
 * Authentication strategies for HTTP transports. Each one turns into request headers and says
 * whether a rejection is worth one retry with renewed credentials; the MWAA web login plugs in as
 * one more strategy.
 */

/**
 * Authentication of a directly reachable Airflow web server: the configuration's, as lib/config
 * resolved it (a secret is its variable's name, safe to show, and its value, never shown).
 */
export type AirflowAuth = AirflowAuthConfig;

/** Returns the secret's value, or rejects with `missing_secret` naming the variable. */
export function readSecret(ref: SecretRef): string {
  if (ref.value === undefined || ref.value === "") {
    throw new AirflowError({
      kind: "missing_secret",
      message: `environment variable ${ref.env} is not set`,
    });
  }
  return ref.value;
}

/** What the server said when it rejected a request. */
export interface Rejection {
  status: number;
  /** Airflow's `detail` (v2) or `title`/`detail` (v1) text, when JSON. */
  detail?: string | null;
  /** True for a 3xx to a login page or an HTML page instead of JSON. */
  loginPage?: boolean;
}

/** How one transport authenticates its requests. */
export interface AuthStrategy {
  /** Headers for one request; may obtain credentials first (single-flight). */
  headers(signal: AbortSignal): Promise<Record<string, string>>;
  /**
   * Called when a request sent with `used` was rejected. Drops the credentials if they are the
   * cached ones and returns true when a single retry with fresh credentials may succeed.
   */
  rejected?(used: Record<string, string>, rejection: Rejection): boolean;
}

/** No authentication. */
export function noAuth(): AuthStrategy {
  return { headers: async () => ({}) };
}

/** HTTP Basic (Airflow 2 `basic_auth` backend). */
export function basicAuth(username: string, password: SecretRef): AuthStrategy {
  return {
    headers: async () => ({
      authorization: `Basic ${Buffer.from(`${username}:${readSecret(password)}`, "utf8").toString("base64")}`,
    }),
  };
}

/** A static bearer token. */
export function bearerAuth(token: SecretRef): AuthStrategy {
  return { headers: async () => ({ authorization: `Bearer ${readSecret(token)}` }) };
}

export interface JwtAuthOptions {
  /** The Airflow 3 token endpoint, `{baseUrl}/auth/token`. */
  loginUrl: string;
  username: string;
  password: SecretRef;
  limits: CallLimits;
  fetch?: typeof fetch;
  now?: () => number;
  renewBeforeMs?: number;
}

/** Airflow 3 JWT: `POST /auth/token` with username and password → `access_token`, sent as Bearer. */
export function jwtAuth(opts: JwtAuthOptions): AuthStrategy {
  const cache = createTokenCache({
    now: opts.now,
    renewBeforeMs: opts.renewBeforeMs,
    obtain: async () => {
      const password = readSecret(opts.password);
      const res = await upstreamFetch(opts.loginUrl, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ username: opts.username, password }),
        signal: new AbortController().signal, // bounded by limits.timeoutMs; waiters race their own signals
        limits: opts.limits,
        fetch: opts.fetch,
      });
      let answer: { status: number; json: unknown };
      try {
        answer = jsonFromUpstream(res, opts.loginUrl);
      } catch (e) {
        // Airflow 2 has no token endpoint: its 404/405 is an HTML page.
        if (e instanceof AirflowError && (e.httpStatus === 404 || e.httpStatus === 405)) answer = { status: e.httpStatus, json: undefined };
        else throw e;
      }
      const { status, json } = answer;
      if (status === 400 || status === 401 || status === 403 || status === 422) {
        const detail = errorDetail(json, password);
        throw new AirflowError({
          kind: "auth",
          message: `Airflow rejected the login for user ${opts.username}${detail ? ` (${detail})` : ""}`,
          httpStatus: status,
        });
      }
      if (status === 404 || status === 405) {
        throw new AirflowError({
          kind: "auth",
          message: `no Airflow 3 login endpoint at ${hostPath(opts.loginUrl)} (HTTP ${status}): check the auth type and base URL`,
          httpStatus: status,
        });
      }
      if (status === 429) {
        throw new AirflowError({ kind: "throttled", message: "the Airflow login answered HTTP 429", httpStatus: 429 });
      }
      if (status < 200 || status >= 300) {
        throw new AirflowError({
          kind: "http",
          message: `the Airflow login answered HTTP ${status}`,
          httpStatus: status,
        });
      }
      const token = (json as { access_token?: unknown } | undefined)?.access_token;
      if (typeof token !== "string" || token === "") {
        throw new AirflowError({
          kind: "bad_response",
          message: "the Airflow login answer has no access_token",
          httpStatus: status,
        });
      }
      return { token, expiresAt: jwtExpiry(token) };
    },
  });
  return {
    async headers(signal) {
      return { authorization: `Bearer ${await cache.get(signal)}` };
    },
    rejected(used, rejection) {
      const renewable =
        rejection.status === 401 ||
        rejection.loginPage === true ||
        (rejection.status === 403 && /invalid jwt|token/i.test(rejection.detail ?? ""));
      if (!renewable) return false;
      const token = used.authorization?.replace(/^Bearer /, "");
      if (token) cache.invalidate(token);
      return true;
    },
  };
}

/** Builds the strategy for a direct Airflow web server; `baseUrl` without trailing slash. */
export function airflowAuthStrategy(
  auth: AirflowAuth,
  ctx: { baseUrl: string; limits: CallLimits; fetch?: typeof fetch; now?: () => number },
): AuthStrategy {
  switch (auth.type) {
    case "none":
      return noAuth();
    case "basic":
      return basicAuth(auth.username, auth.password);
    case "bearer":
      return bearerAuth(auth.token);
    case "jwt":
      return jwtAuth({
        loginUrl: `${ctx.baseUrl}/auth/token`,
        username: auth.username,
        password: auth.password,
        limits: ctx.limits,
        fetch: ctx.fetch,
        now: ctx.now,
      });
  }
}
