import { CreateWebLoginTokenCommand, type MWAAClient } from "@aws-sdk/client-mwaa";
import { AirflowError } from "../errors";
import { hostPath, upstreamFetch } from "../http";
import type { CallLimits } from "../transport";
import type { AuthStrategy } from "../transports/auth-strategies";
import { createTokenCache, jwtExpiry } from "../transports/token-cache";
import { controlPlaneCall } from "./aws-errors";

/**
 * `access: web-login`: `CreateWebLoginToken` (a 60-s, single-use token) → the web server's MWAA
 * login endpoint → a session that is cached until it expires and reused by every poll:
 * - Airflow 2: `POST https://{host}/aws_mwaa/login` (form `token=…`) → `session` cookie, sent as
 *   `Cookie: session=…` to `/api/v1`;
 * - Airflow 3: `POST https://{host}/pluginsv2/aws_mwaa/login` → `_token` cookie (the Airflow API
 *   JWT), sent as `Authorization: Bearer …` to `/api/v2`.
 * One login is in flight at a time; a 401, an invalid-JWT 403 or a login page drops the session,
 * and the HTTP transport retries once with a fresh one.
 */

/** MWAA documents a 12-hour session; used when neither a cookie expiry nor a JWT `exp` says otherwise. */
export const MWAA_SESSION_MS = 12 * 3600_000;

export interface WebLoginOptions {
  client: MWAAClient;
  environmentName: string;
  region: string;
  /** The MWAA endpoint (for messages). */
  endpointUrl: string;
  profile?: string;
  major: 2 | 3;
  limits: CallLimits;
  fetch?: typeof fetch;
  now?: () => number;
  /** Assumed session lifetime when the login answer does not say (default 12 h). */
  sessionLifetimeMs?: number;
  /** Observer of each completed login (tests count them). */
  onLogin?: () => void;
}

/** Strips any scheme and path: `https://h:1/x` → `h:1`. */
export function bareHost(hostOrUrl: string): string {
  return hostOrUrl.replace(/^[a-z][a-z0-9+.-]*:\/\//i, "").replace(/\/.*$/, "");
}

/** Finds cookie `name` in Set-Cookie lines; value and its expiry (epoch ms) if stated. */
export function readSetCookie(lines: string[], name: string, now: number): { value: string; expiresAt: number | null } | null {
  for (const line of lines) {
    const [pair, ...attrs] = line.split(";");
    const eq = pair!.indexOf("=");
    if (eq < 0 || pair!.slice(0, eq).trim() !== name) continue;
    const value = pair!.slice(eq + 1).trim().replace(/^"(.*)"$/, "$1");
    if (!value) continue;
    let expiresAt: number | null = null;
    for (const a of attrs) {
      const [k, v = ""] = a.split("=").map((s) => s.trim());
      if (/^max-age$/i.test(k!) && /^-?\d+$/.test(v)) expiresAt = now + Number(v) * 1000;
      else if (/^expires$/i.test(k!) && expiresAt === null && !Number.isNaN(Date.parse(v))) expiresAt = Date.parse(v);
    }
    return { value, expiresAt };
  }
  return null;
}

export function webLoginAuth(opts: WebLoginOptions): AuthStrategy {
  const now = opts.now ?? Date.now;
  const cookieName = opts.major === 3 ? "_token" : "session";
  const loginPath = opts.major === 3 ? "/pluginsv2/aws_mwaa/login" : "/aws_mwaa/login";
  const env = `MWAA environment ${opts.environmentName}`;

  const createToken = async (): Promise<{ token: string; host: string }> => {
    const ctx = { op: "CreateWebLoginToken", environmentName: opts.environmentName, region: opts.region, url: opts.endpointUrl, timeoutMs: opts.limits.timeoutMs, profile: opts.profile };
    const out = await controlPlaneCall(ctx, (abortSignal) => opts.client.send(new CreateWebLoginTokenCommand({ Name: opts.environmentName }), { abortSignal }));
    if (!out.WebToken || !out.WebServerHostname) {
      throw new AirflowError({ kind: "bad_response", message: `CreateWebLoginToken for ${env} returned no token or host` });
    }
    return { token: out.WebToken, host: bareHost(out.WebServerHostname) };
  };

  const cache = createTokenCache({
    now,
    obtain: async () => {
      const { token, host } = await createToken();
      const loginUrl = `https://${host}${loginPath}`;
      // The web token lives 60 s: use it at once. Redirects are not followed; the cookie is read
      // from this very answer.
      const res = await upstreamFetch(loginUrl, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "text/html,application/json" },
        body: new URLSearchParams({ token }).toString(),
        signal: new AbortController().signal, // bounded by limits.timeoutMs; waiters race their own signals
        limits: opts.limits,
        fetch: opts.fetch,
      });
      const at = now();
      const cookie = res.status < 400 ? readSetCookie(res.headers.getSetCookie(), cookieName, at) : null;
      if (!cookie) throw loginFailure(res.status, hostPath(loginUrl), opts.major, env, cookieName);
      const expiresAt =
        (opts.major === 3 ? jwtExpiry(cookie.value) : null) ?? cookie.expiresAt ?? at + (opts.sessionLifetimeMs ?? MWAA_SESSION_MS);
      opts.onLogin?.();
      return { token: cookie.value, expiresAt };
    },
  });

  return {
    async headers(signal): Promise<Record<string, string>> {
      const value = await cache.get(signal);
      return opts.major === 3 ? { authorization: `Bearer ${value}` } : { cookie: `session=${value}` };
    },
    rejected(used, rejection) {
      const renewable =
        rejection.status === 401 ||
        rejection.loginPage === true ||
        (rejection.status === 403 && /invalid jwt|token|session|expired/i.test(rejection.detail ?? ""));
      if (!renewable) return false;
      const value = opts.major === 3 ? used.authorization?.replace(/^Bearer /, "") : used.cookie?.replace(/^session=/, "");
      if (value) cache.invalidate(value);
      return true;
    },
  };
}

function loginFailure(status: number, where: string, major: 2 | 3, env: string, cookieName: string): AirflowError {
  if (status === 404) {
    return new AirflowError({
      kind: "auth",
      message: `no MWAA login endpoint at ${where} (HTTP 404): the environment's Airflow version does not match Airflow ${major} — check its AirflowVersion`,
      httpStatus: 404,
    });
  }
  if (status === 429) {
    return new AirflowError({ kind: "throttled", message: `the MWAA web login of ${env} answered HTTP 429`, httpStatus: 429 });
  }
  if (status >= 500) {
    return new AirflowError({ kind: "http", message: `the MWAA web login of ${env} answered HTTP ${status}`, httpStatus: status });
  }
  return new AirflowError({
    kind: "auth",
    message:
      status === 401 || status === 403
        ? `the web server of ${env} rejected the MWAA web login token (HTTP ${status})`
        : `the MWAA web login of ${env} set no ${cookieName} cookie (HTTP ${status})`,
    httpStatus: status,
  });
}
