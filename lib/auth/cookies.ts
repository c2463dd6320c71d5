/** The request's cookies by name (first value wins, like browsers send the most specific first). */
export type CookieJar = ReadonlyMap<string, string>;

const MAX_HEADER = 32 * 1024;

/** Parses a `Cookie` header. Values are kept as sent (next-auth and our own cookies are URL-safe). */
export function parseCookieHeader(header: string | null | undefined): CookieJar {
  const jar = new Map<string, string>();
  if (!header || header.length > MAX_HEADER) return jar;
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i <= 0) continue;
    const name = part.slice(0, i).trim();
    let value = part.slice(i + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    if (name && !jar.has(name)) jar.set(name, value);
  }
  return jar;
}

/** Builds a jar from name/value pairs (Next's `cookies()` store). */
export function jarFrom(list: Iterable<{ name: string; value: string }>): CookieJar {
  const jar = new Map<string, string>();
  for (const { name, value } of list) if (!jar.has(name)) jar.set(name, value);
  return jar;
}

/**
 * A cookie that may have been split in chunks (`name.0`, `name.1`, …) because it outgrew the 4 kB
 * limit, as next-auth does with large sessions.
 */
export function chunkedCookie(jar: CookieJar, name: string): string | undefined {
  const whole = jar.get(name);
  if (whole !== undefined) return whole;
  const chunks: [number, string][] = [];
  for (const [k, v] of jar) {
    if (!k.startsWith(`${name}.`)) continue;
    const n = Number(k.slice(name.length + 1));
    if (Number.isInteger(n) && n >= 0 && n < 64) chunks.push([n, v]);
  }
  if (chunks.length === 0) return undefined;
  chunks.sort((a, b) => a[0] - b[0]);
  return chunks.map(([, v]) => v).join("");
}
