import type { AuthConfig } from "@/lib/config/types";
import { issueDisplayCookie, matchDisplayToken } from "./display-token";
import { withoutCredentials } from "./return-path";

/**
 * `/wall?token=…`: swaps a display token for its cookie and sends the screen to the same URL
 * without the token, so the token is never rendered, never kept in history and never sent as a
 * Referer. An unknown or revoked token gets a plain 401 that does not repeat it.
 */
export type WallExchange =
  | { kind: "redirect"; location: string; cookie?: { name: string; value: string; maxAge: number; secure: boolean } }
  | { kind: "invalid" };

/** The wall URL without its `token` parameter, in any letter case (other options in the query string are kept). */
export function stripToken(url: URL): string {
  const clean = withoutCredentials(url);
  return `${clean.pathname}${clean.search}`;
}

export function exchangeWallToken(auth: AuthConfig, url: URL, now = Date.now()): WallExchange {
  const location = stripToken(url);
  // With authentication off there is nothing to swap; the token still leaves the URL.
  if (auth.mode !== "enabled") return { kind: "redirect", location };
  const presented = url.searchParams.getAll("token");
  const token = presented.length === 1 ? matchDisplayToken(auth, presented[0]) : null;
  if (!token) return { kind: "invalid" };
  const cookie = issueDisplayCookie(auth, token, now);
  return { kind: "redirect", location, cookie: { ...cookie, secure: auth.url.startsWith("https://") } };
}
