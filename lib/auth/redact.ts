/**
 * Log lines about sign-in failures may quote an identity provider's error text, and some of that
 * text comes straight from a query string anyone can write (`/api/auth/callback/oidc?error=…`).
 * Before one is written, every configured secret value is replaced, and so is anything long and
 * token-shaped (authorization codes, JWTs, cookies), so no credential reaches a log file. What is
 * left is quoted, escaped and short (`quoteForLog`), so it cannot fake a log line, and the lines
 * themselves are rate-limited per kind (`LogLimiter`), so a loop of requests cannot flood the log.
 */
const TOKEN_SHAPED = /[A-Za-z0-9_\-+/=.~]{32,}/g;
/** Characters of outside text kept in one log line. */
export const LOG_QUOTE_MAX = 80;

export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join("[redacted]");
  return out.replace(TOKEN_SHAPED, "[redacted]");
}

/** Escapes for a one-line log: backslash, quote, controls, and invisible or direction-changing characters. */
const UNSAFE = /[\\"\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/g;

/**
 * Outside text as a quoted, escaped string of at most `max` characters (`"…"` marks a cut), so it
 * can never end the line or pass for the board's own words.
 */
export function quoteForLog(text: string, max = LOG_QUOTE_MAX): string {
  const chars = Array.from(text);
  const cut = chars.length > max;
  const kept = (cut ? chars.slice(0, max) : chars).join("");
  const escaped = kept.replace(UNSAFE, (c) => {
    if (c === "\\") return "\\\\";
    if (c === '"') return '\\"';
    if (c === "\n") return "\\n";
    if (c === "\r") return "\\r";
    if (c === "\t") return "\\t";
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
  return `"${escaped}${cut ? "…" : ""}"`;
}

/** A safe one-line description of something thrown or logged by a library: quoted, redacted, short. */
export function describeError(value: unknown, secrets: readonly string[]): string {
  if (value instanceof Error) return `${quoteForLog(value.name, 40)} ${quoteForLog(redact(value.message, secrets))}`;
  if (value && typeof value === "object") {
    const v = value as { error?: unknown; message?: unknown };
    if (v.error instanceof Error) return describeError(v.error, secrets);
    if (typeof v.message === "string") return quoteForLog(redact(v.message, secrets));
  }
  return typeof value === "string" ? quoteForLog(redact(value, secrets)) : "";
}

/**
 * At most `perWindow` lines per key (a log message's kind, never outside text) in each window;
 * the first line after a quiet window says how many were left out.
 */
export class LogLimiter {
  private readonly keys = new Map<string, { start: number; count: number; dropped: number }>();

  constructor(
    private readonly perWindow = 10,
    private readonly windowMs = 60_000,
    private readonly maxKeys = 200,
  ) {}

  /** null: do not log; otherwise a suffix to add to the line ("" or how many were left out). */
  admit(key: string, now = Date.now()): string | null {
    let k = this.keys.get(key);
    if (k && now - k.start >= this.windowMs) {
      const dropped = k.dropped;
      k = { start: now, count: 1, dropped: 0 };
      this.keys.set(key, k);
      return dropped > 0 ? ` (${dropped} more like this were not logged since the last one)` : "";
    }
    if (!k) {
      if (this.keys.size >= this.maxKeys) this.keys.delete(this.keys.keys().next().value!);
      this.keys.set(key, { start: now, count: 1, dropped: 0 });
      return "";
    }
    if (k.count < this.perWindow) {
      k.count++;
      return "";
    }
    k.dropped++;
    return null;
  }
}
