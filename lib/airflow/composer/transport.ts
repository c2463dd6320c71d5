import { AirflowError, errorDetail } from "../errors";
import { hostPort, isHtml, jsonFromUpstream, upstreamFetch, type UpstreamResponse } from "../http";
import { buildApiUrl } from "../transports/http-transport";
import type { ApiRequest, ApiResponse, CallLimits, Transport } from "../transport";
import type { GoogleTokenSource } from "./google-auth";

/**
 * The Composer transport: Airflow's REST API at `config.airflowUri`, authenticated with a Google
 * token. Composer 2/3 web servers take an OAuth access token (cloud-platform); Composer 1 web
 * servers sit behind Identity-Aware Proxy and take an OIDC ID token whose audience is IAP's OAuth
 * client id. Without acceptable credentials both redirect to Google sign-in, which never is
 * followed: it becomes an `auth` error that says what to grant.
 */

/** Where and how to reach one environment's web server, from the Composer API. */
export interface ComposerAccess {
  airflowUri: string;
  /** 1, 2, 3 or null when the image version does not say. */
  composerGeneration: number | null;
}

export interface ComposerTransportOptions {
  /** The current access info; fetches the environment when it is not known yet. */
  access(signal: AbortSignal): Promise<ComposerAccess>;
  tokens: GoogleTokenSource;
  /** IAP OAuth client id; when set, ID tokens are used whatever the generation. */
  iapClientId?: string;
  project: string;
  environment: string;
  limits: CallLimits;
  fetch?: typeof fetch;
}

/** True when the web server is behind IAP and wants an ID token. */
export function usesIap(access: ComposerAccess, iapClientId?: string): boolean {
  if (iapClientId) return true;
  if (access.composerGeneration !== null) return access.composerGeneration === 1;
  // `composer-latest-…`: Composer 1 web servers live on appspot.com.
  try {
    return new URL(access.airflowUri).hostname.endsWith(".appspot.com");
  } catch {
    return false;
  }
}

function isGoogleSignIn(location: string | null): boolean {
  if (!location) return false;
  try {
    return new URL(location).hostname === "accounts.google.com";
  } catch {
    return false;
  }
}

/** The web server's IP allow-list (`webServerNetworkAccessControl`) refusing the caller; Google documents no exact body. */
const IP_BLOCKED_TEXT = /\b(ip|address)\b[^<\n]{0,80}\bnot (allowed|authori[sz]ed|permitted)|web ?server (network )?access control/i;

/** True when a 401/403 body says the caller's IP address is not on the web server's allow-list. */
export function looksIpBlocked(text: string): boolean {
  return IP_BLOCKED_TEXT.test(text);
}

export function createComposerTransport(opts: ComposerTransportOptions): Transport {
  const { tokens } = opts;
  const discoveredClientIds = new Map<string, Promise<string>>();

  const grantHint = (iap: boolean) =>
    iap
      ? `grant ${tokens.description} the IAP-secured Web App User role and an Airflow role, and check that iapClientId is the IAP OAuth client id of this environment`
      : `grant ${tokens.description} the Composer User role (roles/composer.user) on project ${opts.project} and an Airflow role; a service account whose email is longer than 64 characters must be pre-registered in Airflow as accounts.google.com:NUMERIC_ID (its numeric unique id)`;

  /** Composer 1 without `iapClientId`: IAP names its client id in the sign-in redirect. */
  const discoverClientId = (airflowUri: string, signal: AbortSignal): Promise<string> => {
    let p = discoveredClientIds.get(airflowUri);
    if (!p) {
      p = (async () => {
        const res = await upstreamFetch(airflowUri, { method: "GET", headers: {}, signal, limits: opts.limits, fetch: opts.fetch });
        const location = res.headers.get("location");
        let clientId: string | null = null;
        try {
          clientId = location ? new URL(location, airflowUri).searchParams.get("client_id") : null;
        } catch {
          clientId = null;
        }
        if (!clientId) {
          throw new AirflowError({
            kind: "auth",
            message: `could not learn the IAP client id of ${hostPort(airflowUri)} (HTTP ${res.status} without a sign-in redirect): set iapClientId for this Composer 1 environment`,
            httpStatus: res.status,
          });
        }
        return clientId;
      })();
      discoveredClientIds.set(airflowUri, p);
      p.catch(() => discoveredClientIds.delete(airflowUri));
    }
    return p;
  };

  /** Judges what the web server said before the generic JSON rules (which lose the body). */
  const judge = (res: UpstreamResponse, url: string, iap: boolean): ApiResponse => {
    const location = res.headers.get("location");
    if (res.status >= 300 && res.status < 400 && isGoogleSignIn(location)) {
      throw new AirflowError({
        kind: "auth",
        message: `the Composer web server of ${opts.environment} redirected to Google sign-in instead of answering (the ${iap ? "ID" : "access"} token was not accepted): ${grantHint(iap)}`,
        httpStatus: res.status,
      });
    }
    if ((res.status === 401 || res.status === 403) && looksIpBlocked(res.text)) {
      throw new AirflowError({
        kind: "auth",
        message: `the Composer web server of ${opts.environment} refused Flightboard's IP address (HTTP ${res.status}): add Flightboard's egress IP to the environment's web server access control (allowed IP ranges)`,
        httpStatus: res.status,
      });
    }
    if (iap && (res.status === 401 || res.status === 403) && /Invalid IAP credentials|Identity-Aware Proxy|\bIAP\b/.test(res.text)) {
      const why = /Invalid IAP credentials:?\s*([^<\n]{0,160})/.exec(res.text)?.[1]?.trim();
      throw new AirflowError({
        kind: "auth",
        message: `Identity-Aware Proxy refused the ID token for ${opts.environment} (HTTP ${res.status}${why ? `: ${why}` : ""}): ${grantHint(true)}`,
        httpStatus: res.status,
      });
    }
    const redirect = res.status >= 300 && res.status < 400;
    if (!redirect && isHtml(res.headers.get("content-type"), res.text) && res.status < 500 && res.status !== 429 && res.status !== 404) {
      throw new AirflowError({
        kind: "auth",
        message: `the Composer web server of ${opts.environment} answered with an HTML page where Airflow's JSON was expected (HTTP ${res.status}): ${grantHint(iap)}`,
        httpStatus: res.status,
      });
    }
    let answer: ApiResponse;
    try {
      answer = jsonFromUpstream(res, url);
    } catch (e) {
      // e.g. Airflow's own /login redirect: say what to grant on Composer too.
      if (e instanceof AirflowError && e.kind === "auth") {
        throw new AirflowError({ kind: "auth", message: `${e.message}; ${grantHint(iap)}`, httpStatus: e.httpStatus });
      }
      throw e;
    }
    if (answer.status === 401 || answer.status === 403) {
      const detail = errorDetail(answer.json);
      throw new AirflowError({
        kind: "auth",
        message: `Airflow on ${opts.environment} refused ${tokens.description} (HTTP ${answer.status}${detail ? `: ${detail}` : ""}): ${grantHint(iap)}`,
        httpStatus: answer.status,
      });
    }
    return answer;
  };

  return {
    async send(req: ApiRequest, signal: AbortSignal): Promise<ApiResponse> {
      const access = await opts.access(signal);
      const iap = usesIap(access, opts.iapClientId);
      const token = iap
        ? await tokens.idToken(opts.iapClientId ?? (await discoverClientId(access.airflowUri, signal)), signal)
        : await tokens.accessToken(signal);
      const url = buildApiUrl(access.airflowUri, req);
      const headers: Record<string, string> = { accept: "application/json", authorization: `Bearer ${token}` };
      let body: string | undefined;
      if (req.method !== "GET") {
        headers["content-type"] = "application/json";
        body = JSON.stringify(req.body ?? {});
      }
      const res = await upstreamFetch(url, { method: req.method, headers, body, signal, limits: opts.limits, fetch: opts.fetch });
      return judge(res, url, iap);
    },
  };
}

