import { createHmac, timingSafeEqual } from "node:crypto";
import type { AuthConfig, DisplayTokenConfig } from "@/lib/config/types";
import { usesSecureCookies } from "./session";

/**
 * Display tokens for wall screens. A screen opens `/wall?token=…` once; the token is swapped for
 * a cookie that holds only `v1.<name>.<issued-at>.<HMAC(secret, name, issued-at, token)>`, never the
 * token. Every request recomputes the HMAC from the token configured *now*: removing the token
 * (or changing its value, or the signing secret) revokes every cookie made from it at once.
 */

const VERSION = "v1";
const MAX_TOKEN_CHARS = 1024;
/** Clock skew tolerated for a cookie's issue time. */
const SKEW_MS = 5 * 60 * 1000;

export function displayCookieName(auth: AuthConfig): string {
  return usesSecureCookies(auth) ? "__Secure-flightboard-display" : "flightboard-display";
}

function key(auth: AuthConfig): Buffer {
  // A key of its own, derived from the signing secret, so these MACs never collide with next-auth's use of it.
  return createHmac("sha256", auth.secret.value ?? "").update("flightboard display tokens v1").digest();
}

function mac(auth: AuthConfig, name: string, issuedAt: number, token: string): Buffer {
  return createHmac("sha256", key(auth)).update(`cookie\n${name}\n${issuedAt}\n`).update(token).digest();
}

function usable(auth: AuthConfig): boolean {
  return auth.mode === "enabled" && !!auth.secret.value;
}

/** The configured token equal to `presented` (constant time over all tokens), or null. */
export function matchDisplayToken(auth: AuthConfig, presented: string | null | undefined): DisplayTokenConfig | null {
  if (!usable(auth) || !presented || presented.length > MAX_TOKEN_CHARS) return null;
  const k = key(auth);
  const digest = (v: string) => createHmac("sha256", k).update("token\n").update(v).digest();
  const want = digest(presented);
  let found: DisplayTokenConfig | null = null;
  for (const t of auth.displayTokens) {
    if (!t.token.value) continue;
    if (timingSafeEqual(want, digest(t.token.value)) && !found) found = t;
  }
  return found;
}

/** The cookie that stands for a token from now on (value and lifetime in seconds). */
export function issueDisplayCookie(auth: AuthConfig, token: DisplayTokenConfig, now = Date.now()): { name: string; value: string; maxAge: number } {
  if (!usable(auth) || !token.token.value) throw new Error("display tokens need auth enabled and a configured token");
  const issuedAt = Math.floor(now / 1000);
  const value = `${VERSION}.${token.name}.${issuedAt}.${mac(auth, token.name, issuedAt, token.token.value).toString("base64url")}`;
  return { name: displayCookieName(auth), value, maxAge: auth.displayCookieDays * 86_400 };
}

/** The token a display cookie stands for, if it is still configured and the cookie is genuine and fresh. */
export function verifyDisplayCookie(auth: AuthConfig, value: string | undefined, now = Date.now()): DisplayTokenConfig | null {
  if (!usable(auth) || !value || value.length > 200) return null;
  const m = /^v1\.([a-z0-9][a-z0-9-]{0,62})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (!m) return null;
  const [, name, iatText, sent] = m;
  const token = auth.displayTokens.find((t) => t.name === name);
  if (!token?.token.value) return null;
  const issuedAt = Number(iatText);
  // One spelling per cookie: no leading zeros in the time, and the MAC compared as the exact text
  // we would issue (base64url's last character has spare bits, so 4 spellings decode alike).
  if (String(issuedAt) !== iatText) return null;
  const age = now - issuedAt * 1000;
  if (age < -SKEW_MS || age > auth.displayCookieDays * 86_400_000) return null;
  const expected = Buffer.from(mac(auth, name, issuedAt, token.token.value).toString("base64url"));
  const given = Buffer.from(sent);
  return given.length === expected.length && timingSafeEqual(given, expected) ? token : null;
}
