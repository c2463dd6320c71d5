import { cspDirectives } from "@/server/security-headers.mjs";

/**
 * The Content-Security-Policy of pages: scripts only from our origin and only with this response's
 * nonce (Next.js puts it on its own scripts when it finds it in the request's CSP header); no
 * `unsafe-eval` outside development; no framing; no plugins; forms and fetches to our origin only.
 * Inline style attributes stay allowed (charts and React set them); styles cannot run script.
 */
export function pageCsp(nonce: string, dev: boolean): string {
  return cspDirectives(`'self' 'nonce-${nonce}' 'strict-dynamic'`, dev);
}

/** A fresh nonce per response (128 random bits). */
export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}
