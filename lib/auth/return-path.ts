/**
 * Where to send someone after sign-in. The value comes from a query string anyone can write, so it
 * is parsed the way a browser will read it (the WHATWG URL parser, which drops tabs and newlines and
 * treats `\` as `/`) against a placeholder origin, and is accepted only when that origin is unchanged.
 * Checking the raw text for `//` is not enough: `/\t/evil.example` passes such a check and a browser
 * follows it to evil.example. What is returned is the parser's own serialization (percent-encoded,
 * so it is always a valid Location header), never the text as sent.
 */

/** A placeholder origin: only "is the origin unchanged" matters, never which origin it is. */
const BASE = new URL("http://return-path.invalid");
const MAX_CHARS = 2048;
/**
 * C0 controls, space, DEL, C1 controls, and Unicode spaces, invisible and direction marks: a browser
 * strips or rewrites some of them and a reader cannot see the others. Paths the board writes are
 * percent-encoded, so a raw one here is a trick.
 */
const CONTROL = /[\u0000-\u0020\u007f-\u00a0\u00ad\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff\ufff9-\ufffb]/;
/** Pages that make no sense to return to (a loop), and next-auth's own endpoints. */
const NEVER = ["/signin", "/signout", "/api/auth"];

/** Query parameters that carry credentials: never kept in a URL the board writes back (display tokens). */
export const CREDENTIAL_PARAMS: readonly string[] = ["token"];

/** Whether a query parameter name carries a credential (any letter case: `?TOKEN=` is stripped too). */
export function isCredentialParam(name: string): boolean {
  return CREDENTIAL_PARAMS.includes(name.toLowerCase());
}

/** Removes credential parameters from a URL's query string; the rest keeps its order. */
export function withoutCredentials(url: URL): URL {
  const names = [...new Set([...url.searchParams.keys()].filter(isCredentialParam))];
  if (names.length === 0) return url;
  const clean = new URL(url.href);
  for (const name of names) clean.searchParams.delete(name);
  return clean;
}

/** Whether a URL's query string carries a credential parameter. */
export function hasCredentials(url: URL): boolean {
  for (const name of url.searchParams.keys()) if (isCredentialParam(name)) return true;
  return false;
}

/** Parameters that hold a return path (the sign-in page's): their own query is cleaned too. */
const RETURN_PARAMS = ["callbackUrl"];

/**
 * The URL without credential parameters, also inside a return path it carries
 * (`/signin?callbackUrl=%2F%3Ftoken%3D…`: Next.js writes the request URL into the page it renders),
 * or null when there is nothing to remove.
 */
export function cleanedOfCredentials(url: URL): URL | null {
  let changed = hasCredentials(url);
  const clean = withoutCredentials(changed ? url : new URL(url.href));
  for (const name of RETURN_PARAMS) {
    const values = clean.searchParams.getAll(name);
    if (!values.some(carriesCredentials)) continue;
    changed = true;
    clean.searchParams.delete(name);
    // The sign-in page would only ever use safeReturnPath of it, which leaves credentials out.
    for (const v of values) clean.searchParams.append(name, safeReturnPath(v));
  }
  return changed ? clean : null;
}

function carriesCredentials(value: string): boolean {
  try {
    return hasCredentials(new URL(value, BASE));
  } catch {
    return false;
  }
}

/** The path (with query and fragment) a browser would go to for `raw`, if it stays on this origin; else null. */
function sameOriginPath(raw: string | null | undefined): string | null {
  if (typeof raw !== "string" || raw.length === 0 || raw.length > MAX_CHARS) return null;
  if (CONTROL.test(raw)) return null;
  // Only paths: a scheme, `//host` or `\\host` is someone else's page however it is spelled.
  if (raw[0] !== "/" || raw[1] === "/" || raw[1] === "\\") return null;
  let url: URL;
  try {
    url = new URL(raw, BASE);
  } catch {
    return null;
  }
  if (url.origin !== BASE.origin || url.username || url.password) return null;
  url = withoutCredentials(url);
  // Dot segments can turn `/a/..//evil` into `//evil`: check the path the browser will be given.
  if (url.pathname.startsWith("//") || url.pathname.startsWith("/\\")) return null;
  return `${url.pathname}${url.search}${url.hash}`;
}

/** A same-origin path (with query and fragment) to return to after sign-in, or "/". */
export function safeReturnPath(raw: string | null | undefined): string {
  const path = sameOriginPath(raw);
  if (path === null || NEVER.some((p) => path.startsWith(p))) return "/";
  return path;
}

/**
 * next-auth's `redirect` callback: where to go after sign-in or sign-out. Only paths on the board's
 * own origin (`baseUrl`); anything else goes to the board's home page.
 */
export function safeRedirect(url: string, baseUrl: string): string {
  let path: string | null = null;
  if (url.startsWith("/")) {
    path = sameOriginPath(url);
  } else if (!CONTROL.test(url)) {
    try {
      const u = new URL(url);
      if (u.origin === new URL(baseUrl).origin) path = sameOriginPath(`${u.pathname}${u.search}${u.hash}`);
    } catch {
      path = null;
    }
  }
  return `${baseUrl.replace(/\/+$/, "")}${path ?? "/"}`;
}
