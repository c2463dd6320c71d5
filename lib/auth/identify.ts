import type { CookieJar } from "./cookies";
import { matchApiToken } from "./api-token";
import { displayCookieName, matchDisplayToken, verifyDisplayCookie } from "./display-token";
import { roleOf, type Viewer } from "./policy";
import type { AuthPolicy } from "./policy-store";
import { readSession } from "./session";

/**
 * One decision per request: who is asking, and may they reach this kind of resource at all.
 * Used by proxy.ts (early answer) and again by every route handler and page (the real gate).
 */

/** What is being reached: the read API, the wall page, or any other page. */
export type Scope = "api" | "wall" | "page";

export interface RequestCredentials {
  cookies: CookieJar;
  /** The `Authorization` header (API only: `Bearer <display token or API token>`). */
  authorization?: string | null;
}

export type AccessDecision =
  | { ok: true; viewer: Viewer }
  | { ok: false; status: 401 | 403; code: "unauthorized" | "forbidden"; message: string };

const UNAUTHORIZED = { ok: false, status: 401, code: "unauthorized", message: "sign in first (or use a display token)" } as const;
/** Says nothing about why (unknown, revoked, mistyped): a guesser learns nothing. */
const INVALID_TOKEN = { ok: false, status: 401, code: "unauthorized", message: "invalid token" } as const;

/** The value of an `Authorization: Bearer` header, if that is what it is. */
export function bearerOf(authorization: string | null | undefined): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")?.[1];
}

export async function decide(policy: AuthPolicy, creds: RequestCredentials, scope: Scope, now = Date.now()): Promise<AccessDecision> {
  const auth = policy.auth;
  if (auth.mode === "disabled") return { ok: true, viewer: { kind: "open" } };

  // On the API a Bearer token, when sent, is the credential: the one checked is the one that acts
  // (a cookie sent alongside is ignored), and a wrong one is refused rather than passed over.
  const bearer = scope === "api" ? bearerOf(creds.authorization) : undefined;
  if (bearer !== undefined) {
    const display = matchDisplayToken(auth, bearer);
    if (display) return { ok: true, viewer: { kind: "display", token: display } };
    const api = matchApiToken(auth, bearer);
    if (api) return { ok: true, viewer: { kind: "token", token: api } };
    return INVALID_TOKEN;
  }

  const identity = await readSession(creds.cookies, auth);
  if (identity) {
    const role = roleOf(auth, identity);
    if (!role) return { ok: false, status: 403, code: "forbidden", message: "your account may not see this board; ask an administrator, or sign out and use another account" };
    return { ok: true, viewer: { kind: "user", role, identity } };
  }

  // Display tokens reach the wall and the read API only; every other page needs a person.
  if (scope === "page") return UNAUTHORIZED;
  const token = verifyDisplayCookie(auth, creds.cookies.get(displayCookieName(auth)), now);
  if (token) return { ok: true, viewer: { kind: "display", token } };
  return UNAUTHORIZED;
}
