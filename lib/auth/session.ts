import { decode } from "next-auth/jwt";
import type { AuthConfig } from "@/lib/config/types";
import { chunkedCookie, type CookieJar } from "./cookies";
import type { Identity } from "./policy";

/**
 * Sessions are next-auth JWTs (encrypted and signed with the configured secret, never stored on
 * the server), so they survive restarts and any number of processes can check them. The person's
 * identity lives in the `fb` claim, written at sign-in by the `jwt` callback (next-auth-options.ts).
 */

/** Larger cookies are refused unread: no request may make us decrypt megabytes. */
const MAX_TOKEN_CHARS = 48 * 1024;
const MAX_GROUPS = 200;

export function usesSecureCookies(auth: AuthConfig): boolean {
  return auth.url.startsWith("https://");
}

/** next-auth's session cookie name for this origin. */
export function sessionCookieName(auth: AuthConfig): string {
  return usesSecureCookies(auth) ? "__Secure-next-auth.session-token" : "next-auth.session-token";
}

/** Normalizes claims into the session's identity; null when the shape is wrong. */
export function toIdentity(value: unknown): Identity | null {
  if (!value || typeof value !== "object") return null;
  const v = value as Record<string, unknown>;
  if (typeof v.sub !== "string" || !v.sub || typeof v.provider !== "string") return null;
  const str = (x: unknown) => (typeof x === "string" && x.length > 0 ? x : null);
  const groups = Array.isArray(v.groups) ? v.groups.filter((g): g is string => typeof g === "string" && g.length > 0 && g.length <= 256).slice(0, MAX_GROUPS) : [];
  return {
    sub: v.sub,
    provider: v.provider,
    name: str(v.name),
    email: str(v.email)?.toLowerCase() ?? null,
    emailVerified: typeof v.emailVerified === "boolean" ? v.emailVerified : null,
    groups,
  };
}

/** The signed-in identity of a request, or null (no cookie, expired, tampered, other secret). */
export async function readSession(jar: CookieJar, auth: AuthConfig): Promise<Identity | null> {
  const secret = auth.secret.value;
  if (auth.mode !== "enabled" || !secret) return null;
  const token = chunkedCookie(jar, sessionCookieName(auth));
  if (!token || token.length > MAX_TOKEN_CHARS) return null;
  try {
    const payload = await decode({ token, secret });
    return toIdentity(payload?.fb);
  } catch {
    return null;
  }
}
