import { singleFlight } from "../single-flight";

/**
 * Tokens that expire (Airflow 3 JWTs, MWAA web-login and CLI tokens): one cache, renewed before
 * expiry, with one login in flight at a time whoever asks.
 */

/** A token and the instant (epoch ms) it stops being valid, or null when unknown. */
export interface ObtainedToken {
  token: string;
  expiresAt: number | null;
}

export interface TokenCacheOptions {
  /** Fetches a fresh token. Its own calls carry their own timeouts; it is shared by all waiters. */
  obtain(): Promise<ObtainedToken>;
  /** Renew this long before `expiresAt` (default 60 s, at most half the token's lifetime). */
  renewBeforeMs?: number;
  now?: () => number;
}

/** A cached token renewed before expiry, with one login in flight at a time. */
export interface TokenCache {
  get(signal: AbortSignal): Promise<string>;
  /** Forget `token` if it is still the cached one (a concurrent renewal is kept). */
  invalidate(token: string): void;
}

export function createTokenCache(opts: TokenCacheOptions): TokenCache {
  const now = opts.now ?? Date.now;
  let cached: { token: string; renewAt: number } | null = null;

  const login = singleFlight(async () => {
    const obtainedAt = now();
    const { token, expiresAt } = await opts.obtain();
    let renewAt = Number.POSITIVE_INFINITY;
    if (expiresAt !== null) {
      const lifetime = Math.max(0, expiresAt - obtainedAt);
      renewAt = expiresAt - Math.min(opts.renewBeforeMs ?? 60_000, lifetime / 2);
    }
    cached = { token, renewAt };
    return token;
  });

  return {
    get(signal) {
      if (cached && now() < cached.renewAt) return Promise.resolve(cached.token);
      return login(signal);
    },
    invalidate(token) {
      if (cached?.token === token) cached = null;
    },
  };
}

/** Reads `exp` (seconds) from a JWT's payload without verifying it; epoch ms or null. */
export function jwtExpiry(token: string): number | null {
  const part = token.split(".")[1];
  if (!part) return null;
  try {
    const payload = JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as { exp?: unknown };
    return typeof payload.exp === "number" && Number.isFinite(payload.exp) ? payload.exp * 1000 : null;
  } catch {
    return null;
  }
}

