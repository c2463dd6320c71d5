import { createHmac, timingSafeEqual } from "node:crypto";
import type { ApiTokenConfig, AuthConfig } from "@/lib/config/types";

/**
 * API tokens for scripts and CI jobs (contract §12). The presented value is compared with every
 * configured token through fixed-length HMAC digests and `timingSafeEqual`, always over all of
 * them, so the time taken says nothing about which token (or how much of one) matched. Neither
 * values nor digests are kept, logged or returned.
 */

const MAX_TOKEN_CHARS = 1024;

/** The configured API token equal to `presented`, or null (auth off, no secret, unknown, revoked). */
export function matchApiToken(auth: AuthConfig, presented: string | null | undefined): ApiTokenConfig | null {
  if (auth.mode !== "enabled" || !auth.secret.value || !presented || presented.length > MAX_TOKEN_CHARS) return null;
  // A key of its own, derived from the signing secret, apart from the display tokens' one.
  const key = createHmac("sha256", auth.secret.value).update("flightboard api tokens v1").digest();
  const digest = (v: string) => createHmac("sha256", key).update(v).digest();
  const want = digest(presented);
  let found: ApiTokenConfig | null = null;
  for (const t of auth.apiTokens ?? []) {
    if (!t.token.value) continue;
    if (timingSafeEqual(want, digest(t.token.value)) && !found) found = t;
  }
  return found;
}
