import type { IncomingMessage, ServerResponse } from "node:http";
import type { VirtualAirflow } from "../types";
import type { GoogleTokenService } from "./google";

/**
 * The front of one simulated Composer web server. Composer 2/3: a Google-fronted Airflow that takes
 * an OAuth access token as Bearer and sends anyone else to Google sign-in (302 to
 * accounts.google.com, HTML body). Composer 1: Identity-Aware Proxy, which takes an OIDC ID token
 * whose `aud` is its OAuth client id (`Authorization` or `Proxy-Authorization`), redirects
 * unauthenticated callers to sign-in with that `client_id`, and answers a bad token with
 * 401 "Invalid IAP credentials: …". Behind the front, the virtual Airflow serves the REST API.
 */

export interface ComposerWebEnv {
  id: string;
  generation: 1 | 2 | 3;
  /** IAP OAuth client id (Composer 1), also put in every sign-in redirect. */
  clientId: string;
  airflow: VirtualAirflow;
  /** The Composer-level scenario in effect (`ip-blocked`, `no-airflow-user`, …), or null. */
  composerScenario(): string | null;
  /** Composer `state`; an ERROR environment's web server is down. */
  state(): string;
}

function send(res: ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(body), ...headers });
  res.end(body);
}

function bearer(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  const m = v ? /^Bearer\s+(\S+)$/i.exec(v) : null;
  return m?.[1];
}

function signInRedirect(res: ServerResponse, env: ComposerWebEnv, req: IncomingMessage): void {
  const redirectUri = env.generation === 1 ? `https://iap.googleapis.com/v1/oauth/clientIds/${env.clientId}:handleRedirect` : `https://${req.headers.host ?? "localhost"}/oauth2callback`;
  const location =
    `https://accounts.google.com/o/oauth2/v2/auth?client_id=${encodeURIComponent(env.clientId)}` +
    `&response_type=code&scope=openid+email&redirect_uri=${encodeURIComponent(redirectUri)}&state=${encodeURIComponent(req.url ?? "/")}`;
  send(
    res,
    302,
    "text/html; charset=UTF-8",
    `<HTML><HEAD><meta http-equiv="content-type" content="text/html;charset=utf-8">\n<TITLE>302 Moved</TITLE></HEAD><BODY>\n<H1>302 Moved</H1>\nThe document has moved\n<A HREF="${location.replace(/&/g, "&amp;")}">here</A>.\n</BODY></HTML>\n`,
    { location },
  );
}

const SERVER_ERROR_PAGE =
  '<!DOCTYPE html>\n<html lang=en>\n<meta charset=utf-8>\n<title>Error 502 (Server Error)!!1</title>\n<p><b>502.</b> <ins>That’s an error.</ins>\n<p>The server encountered a temporary error and could not complete your request.<p>Please try again in 30 seconds.  <ins>That’s all we know.</ins>\n';

function ipBlockedPage(ip: string): string {
  return (
    '<!DOCTYPE html>\n<html lang=en>\n<meta charset=utf-8>\n<title>Error 403 (Forbidden)!!1</title>\n' +
    `<p><b>403.</b> <ins>That’s an error.</ins>\n<p>Your client IP address ${ip} is not allowed to access this Airflow web server. ` +
    "Access is restricted by the environment's web server network access control.  <ins>That’s all we know.</ins>\n"
  );
}

function noAirflowUserBody(major: 2 | 3, email: string): string {
  const detail = `No Airflow user is registered for ${email}, and user registration is disabled (composer_auth_user_registration_role is empty).`;
  if (major === 3) return JSON.stringify({ detail });
  return JSON.stringify({ detail, status: 403, title: "Forbidden", type: "https://airflow.apache.org/docs/apache-airflow/stable/stable-rest-api-ref.html#section/Errors/PermissionDenied" });
}

/** Decides and, unless the virtual Airflow serves it, answers one request. Returns true when answered here. */
export function serveComposerWeb(
  req: IncomingMessage,
  res: ServerResponse,
  env: ComposerWebEnv,
  tokens: GoogleTokenService,
  count: (routeKey: string) => void,
): void {
  const path = (req.url ?? "/").split("?")[0];
  const answer = (status: number, contentType: string, body: string, headers?: Record<string, string>) => {
    count(`${req.method ?? "GET"} ${path}`);
    send(res, status, contentType, body, headers);
  };
  const scenario = env.composerScenario();

  if (env.state() === "ERROR") return answer(502, "text/html; charset=UTF-8", SERVER_ERROR_PAGE);
  if (scenario === "ip-blocked" && env.generation !== 1) {
    return answer(403, "text/html; charset=UTF-8", ipBlockedPage(req.socket.remoteAddress ?? "unknown"));
  }

  let email: string;
  if (env.generation === 1) {
    const token = bearer(req.headers["authorization"]) ?? bearer(req.headers["proxy-authorization"]);
    if (!token) {
      count(`${req.method ?? "GET"} ${path}`);
      return signInRedirect(res, env, req);
    }
    const check = tokens.checkIdToken(token, env.clientId);
    if (!check.ok) return answer(401, "text/html; charset=UTF-8", `Invalid IAP credentials: ${check.reason}`);
    email = check.email;
  } else {
    const check = tokens.checkAccessToken(bearer(req.headers["authorization"]));
    if (!check.ok || scenario === "bad-credentials") {
      count(`${req.method ?? "GET"} ${path}`);
      return signInRedirect(res, env, req);
    }
    email = check.email;
  }

  if (scenario === "no-airflow-user") return answer(403, "application/json", noAirflowUserBody(env.airflow.major, email));
  // Authenticated by the Google front: Airflow's own basic/JWT check does not apply.
  env.airflow.handle(req, res, { authenticate: () => null });
}
