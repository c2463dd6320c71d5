/**
 * Log lines about sign-in failures may quote an identity provider's error text. Before one is
 * written, every configured secret value is replaced, and so is anything long and token-shaped
 * (authorization codes, JWTs, cookies), so no credential reaches a log file.
 */
const TOKEN_SHAPED = /[A-Za-z0-9_\-+/=.~]{32,}/g;
const MAX = 300;

export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join("[redacted]");
  out = out.replace(TOKEN_SHAPED, "[redacted]");
  out = out.replace(/[\r\n]+/g, " ");
  return out.length > MAX ? `${out.slice(0, MAX)}…` : out;
}

/** A safe one-line description of something thrown or logged by a library. */
export function describeError(value: unknown, secrets: readonly string[]): string {
  if (value instanceof Error) return redact(`${value.name}: ${value.message}`, secrets);
  if (value && typeof value === "object") {
    const v = value as { error?: unknown; message?: unknown };
    if (v.error instanceof Error) return describeError(v.error, secrets);
    if (typeof v.message === "string") return redact(v.message, secrets);
  }
  return typeof value === "string" ? redact(value, secrets) : "";
}
