import { NextResponse, type NextRequest } from "next/server";
import { parseCookieHeader } from "@/lib/auth/cookies";
import { newNonce, pageCsp } from "@/lib/auth/csp";
import { exchangeWallToken } from "@/lib/auth/display-exchange";
import { decide } from "@/lib/auth/identify";
import { currentPolicy, PolicyUnavailable, type AuthPolicy } from "@/lib/auth/policy-store";
import { cleanedOfCredentials, withoutCredentials } from "@/lib/auth/return-path";

/**
 * The first gate (Next.js 16 "proxy", formerly middleware; Node.js runtime). It answers requests
 * without valid credentials early, swaps `/wall?token=…` for a cookie, and gives every page a fresh
 * CSP nonce. It is not the only gate: every route handler and page checks access again.
 */

const PUBLIC_PAGES = new Set(["/signin", "/signout"]);
const DEV = process.env.NODE_ENV === "development";

function isPublicApi(path: string): boolean {
  return path === "/api/healthz" || path === "/api/auth" || path.startsWith("/api/auth/");
}

function jsonError(status: number, code: string, message: string): NextResponse {
  return NextResponse.json({ error: { code, message } }, { status, headers: { "cache-control": "no-store" } });
}

/** Lets a page through with a nonce-based CSP (and the path, for the sign-in page's return). */
function pageThrough(req: NextRequest): NextResponse {
  const nonce = newNonce();
  const csp = pageCsp(nonce, DEV);
  const headers = new Headers(req.headers);
  headers.set("x-nonce", nonce);
  headers.set("content-security-policy", csp);
  headers.set("x-flightboard-path", `${req.nextUrl.pathname}${withoutCredentials(req.nextUrl).search}`);
  const res = NextResponse.next({ request: { headers } });
  res.headers.set("content-security-policy", csp);
  return res;
}

function toSignIn(req: NextRequest, error?: string): NextResponse {
  const url = new URL("/signin", req.nextUrl.origin);
  if (error) url.searchParams.set("error", error);
  else url.searchParams.set("callbackUrl", `${req.nextUrl.pathname}${withoutCredentials(req.nextUrl).search}`);
  const res = NextResponse.redirect(url, 307);
  res.headers.set("cache-control", "no-store");
  return res;
}

function wallExchange(req: NextRequest, policy: AuthPolicy): NextResponse {
  const result = exchangeWallToken(policy.auth, req.nextUrl);
  const headers = { "cache-control": "no-store", "referrer-policy": "no-referrer" };
  if (result.kind === "invalid") {
    return new NextResponse("This display link is not valid: the token is unknown or has been revoked.\n", {
      status: 401,
      headers: { ...headers, "content-type": "text/plain; charset=utf-8" },
    });
  }
  const res = NextResponse.redirect(new URL(result.location, req.nextUrl.origin), 303);
  for (const [k, v] of Object.entries(headers)) res.headers.set(k, v);
  if (result.cookie) {
    const { name, value, maxAge, secure } = result.cookie;
    res.cookies.set({ name, value, maxAge, httpOnly: true, sameSite: "lax", secure, path: "/" });
  }
  return res;
}

/**
 * A display token anywhere but `/wall?token=` (another path, a mistyped `/WALL`, `?TOKEN=`, inside the
 * sign-in page's `callbackUrl`): the same URL without it, before anything else can echo it into a sign-in redirect or a page. It is not
 * swapped for a cookie: a token opens the wall only, through its one documented link.
 */
function dropCredentials(clean: URL): NextResponse {
  const res = NextResponse.redirect(clean, 303);
  res.headers.set("cache-control", "no-store");
  res.headers.set("referrer-policy", "no-referrer");
  return res;
}

export async function proxy(req: NextRequest): Promise<NextResponse> {
  const path = req.nextUrl.pathname;
  const isApi = path === "/api" || path.startsWith("/api/");
  const wallExchangeRequest = path === "/wall" && req.nextUrl.searchParams.has("token");
  // /api/v1 answers JSON that never repeats its URL (and its hot paths bypass this proxy on the custom server).
  const isDataApi = path === "/api/v1" || path.startsWith("/api/v1/");
  const clean = wallExchangeRequest || isDataApi ? null : cleanedOfCredentials(new URL(req.nextUrl.href));
  if (clean) return dropCredentials(clean);
  if (isApi && isPublicApi(path)) return NextResponse.next();
  if (!isApi && PUBLIC_PAGES.has(path)) return pageThrough(req);

  let policy: AuthPolicy;
  try {
    policy = currentPolicy();
  } catch (e) {
    if (!(e instanceof PolicyUnavailable)) throw e;
    return jsonError(503, "unavailable", "the server's configuration is not usable; see its log");
  }

  if (wallExchangeRequest) return wallExchange(req, policy);

  const scope = isApi ? "api" : path === "/wall" ? "wall" : "page";
  const decision = await decide(policy, { cookies: parseCookieHeader(req.headers.get("cookie")), authorization: req.headers.get("authorization") }, scope);
  if (!decision.ok) {
    if (isApi) return jsonError(decision.status, decision.code, decision.message);
    return toSignIn(req, decision.status === 403 ? "AccessDenied" : undefined);
  }
  return isApi ? NextResponse.next() : pageThrough(req);
}

export const config = {
  // Everything but the build's static files: pages, the API, and anything unknown (fails closed).
  matcher: ["/((?!_next/static/|_next/image|favicon\\.ico$).*)"],
};
