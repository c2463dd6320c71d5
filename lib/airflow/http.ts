import { AirflowError } from "./errors";
import type { CallLimits } from "./transport";

/**
 * The one place that talks HTTP to an upstream (Airflow web servers, login endpoints, cloud APIs).
 * Every call gets a timeout, a response-size cap and `redirect: "manual"` so credentials never
 * follow a redirect to another origin; every failure becomes an `AirflowError` whose message names
 * the host and port but never the full URL, a header or a credential.
 */

/** Options of one upstream call. */
export interface UpstreamInit {
  method: "GET" | "POST" | "PUT" | "DELETE" | "PATCH" | "HEAD";
  headers: Record<string, string>;
  body?: string | Uint8Array;
  /** The caller's signal; combined with the per-call timeout. */
  signal: AbortSignal;
  limits: CallLimits;
  /** Replaces the global fetch (tests, custom dispatchers). */
  fetch?: typeof fetch;
  /** Always manual; accepted for readability at call sites. */
  redirect?: "manual";
}

/** A fully read upstream answer. */
export interface UpstreamResponse {
  status: number;
  headers: Headers;
  /** The body decoded as UTF-8 (empty string when there was none). */
  text: string;
}

/** `host:port` of a URL, with the scheme's default port filled in; safe to show. */
export function hostPort(url: string | URL): string {
  try {
    const u = typeof url === "string" ? new URL(url) : url;
    const port = u.port || (u.protocol === "https:" ? "443" : u.protocol === "http:" ? "80" : "");
    return port ? `${u.hostname}:${port}` : u.hostname;
  } catch {
    return "(invalid URL)";
  }
}

/** `host/path` of a URL without query or fragment (those may carry tokens); safe to show. */
export function hostPath(url: string, base?: string): string {
  try {
    const u = new URL(url, base);
    return `${u.host}${u.pathname}`;
  } catch {
    return "(invalid URL)";
  }
}

/** Seconds for messages: `10 s`, `0.2 s`. */
export function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : Number(s.toFixed(1))} s`;
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${Number((n / (1024 * 1024)).toFixed(1))} MB`;
  if (n >= 1024) return `${Number((n / 1024).toFixed(1))} KB`;
  return `${n} bytes`;
}

/**
 * Performs one HTTP call and reads the whole body within the limits. Never follows redirects: a
 * 3xx is returned as is (status + `location` header) for the caller to judge.
 */
export async function upstreamFetch(url: string, init: UpstreamInit): Promise<UpstreamResponse> {
  const target = hostPort(url);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AirflowError({ kind: "connection", message: "the configured URL is not a valid URL" });
  }
  if (parsed.username || parsed.password) {
    // fetch refuses such URLs anyway; say why without echoing them.
    throw new AirflowError({
      kind: "auth",
      message: `the URL for ${target} contains credentials; configure them as auth settings instead`,
    });
  }
  const timeout = AbortSignal.timeout(init.limits.timeoutMs);
  const cap = new AbortController();
  const signal = AbortSignal.any([init.signal, timeout, cap.signal]);
  const doFetch = init.fetch ?? globalThis.fetch;

  try {
    const res = await doFetch(url, {
      method: init.method,
      headers: init.headers,
      body: init.body as BodyInit | undefined,
      signal,
      redirect: "manual",
    });
    const declared = Number(res.headers.get("content-length") ?? "");
    if (Number.isFinite(declared) && declared > init.limits.maxBytes) {
      cap.abort();
      await res.body?.cancel().catch(() => undefined);
      throw tooLarge(target, init.limits.maxBytes);
    }
    const text = await readCapped(res, init.limits.maxBytes, target, cap);
    return { status: res.status, headers: res.headers, text };
  } catch (e) {
    if (e instanceof AirflowError) throw e;
    if (timeout.aborted) {
      throw new AirflowError({
        kind: "timeout",
        message: `no answer within ${formatSeconds(init.limits.timeoutMs)} (${target})`,
        cause: e,
      });
    }
    if (init.signal.aborted) {
      throw new AirflowError({ kind: "timeout", message: `the call to ${target} was cancelled before it finished`, cause: e });
    }
    throw classifyNetworkError(e, target, init.limits.timeoutMs);
  }
}

function tooLarge(target: string, maxBytes: number): AirflowError {
  return new AirflowError({
    kind: "bad_response",
    message: `the answer from ${target} is larger than the ${formatBytes(maxBytes)} limit`,
  });
}

async function readCapped(res: Response, maxBytes: number, target: string, cap: AbortController): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      cap.abort();
      await reader.cancel().catch(() => undefined);
      throw tooLarge(target, maxBytes);
    }
    chunks.push(value);
  }
  const all = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  return new TextDecoder("utf-8").decode(all);
}

/** Error codes found in an error, its `cause` chain and AggregateError members (undici nests them). */
function errorCodes(e: unknown): string[] {
  const codes: string[] = [];
  const seen = new Set<unknown>();
  const visit = (x: unknown, depth: number) => {
    if (!x || typeof x !== "object" || seen.has(x) || depth > 8) return;
    seen.add(x);
    const o = x as { code?: unknown; cause?: unknown; errors?: unknown; name?: unknown };
    if (typeof o.code === "string") codes.push(o.code);
    if (o.name === "TimeoutError" || o.name === "AbortError") codes.push(o.name);
    visit(o.cause, depth + 1);
    if (Array.isArray(o.errors)) for (const m of o.errors) visit(m, depth + 1);
  };
  visit(e, 0);
  return codes;
}

const TLS_EXACT = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "HOSTNAME_MISMATCH",
  "EPROTO",
]);

const TRUST_CODES = /SELF_SIGNED|UNABLE_TO_(GET_ISSUER|VERIFY)|CERT_UNTRUSTED/;

function isTlsCode(code: string): boolean {
  return (
    TLS_EXACT.has(code) ||
    code.startsWith("CERT_") ||
    code.startsWith("UNABLE_TO_") ||
    code.startsWith("ERR_TLS_") ||
    code.startsWith("ERR_SSL_") ||
    code.includes("HANDSHAKE")
  );
}

function tlsWords(code: string): string {
  switch (code) {
    case "DEPTH_ZERO_SELF_SIGNED_CERT":
      return "the server's certificate is self-signed";
    case "SELF_SIGNED_CERT_IN_CHAIN":
      return "the certificate chain ends in an untrusted self-signed CA";
    case "UNABLE_TO_VERIFY_LEAF_SIGNATURE":
    case "UNABLE_TO_GET_ISSUER_CERT_LOCALLY":
    case "UNABLE_TO_GET_ISSUER_CERT":
      return "the certificate's issuer is not trusted";
    case "CERT_HAS_EXPIRED":
      return "the server's certificate has expired";
    case "CERT_NOT_YET_VALID":
      return "the server's certificate is not valid yet";
    case "ERR_TLS_CERT_ALTNAME_INVALID":
    case "HOSTNAME_MISMATCH":
      return "the certificate does not match the host name";
    default:
      return "the TLS handshake failed";
  }
}

/** Maps a fetch/undici failure (no HTTP answer) to an `AirflowError`. */
export function classifyNetworkError(e: unknown, target: string, timeoutMs: number): AirflowError {
  const codes = errorCodes(e);
  const tls = codes.find(isTlsCode);
  if (tls) {
    return new AirflowError({
      kind: "tls",
      message: `TLS failure with ${target}: ${tlsWords(tls)} (${tls})${TRUST_CODES.test(tls) ? "; NODE_EXTRA_CA_CERTS can add a private CA" : ""}`,
      cause: e,
    });
  }
  const has = (...c: string[]) => c.find((x) => codes.includes(x));
  if (has("UND_ERR_CONNECT_TIMEOUT", "ETIMEDOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "TimeoutError")) {
    return new AirflowError({ kind: "timeout", message: `no answer within ${formatSeconds(timeoutMs)} (${target})`, cause: e });
  }
  const conn = (message: string) => new AirflowError({ kind: "connection", message, cause: e });
  if (has("ECONNREFUSED")) return conn(`connection refused by ${target}`);
  if (has("ECONNRESET")) return conn(`connection reset by ${target}`);
  if (has("EHOSTUNREACH", "ENETUNREACH")) return conn(`host unreachable: ${target}`);
  if (has("ENOTFOUND", "EAI_AGAIN", "EAI_NONAME")) {
    return conn(`DNS lookup failed for ${target.replace(/:\d+$/, "")}`);
  }
  if (has("UND_ERR_SOCKET", "UND_ERR_CLOSED", "EPIPE", "ERR_STREAM_PREMATURE_CLOSE")) {
    return conn(`${target} closed the connection before answering`);
  }
  const errno = codes.find((c) => c in ERRNO_WORDS);
  if (errno) return conn(`${ERRNO_WORDS[errno]} (${target})`);
  // fetch refuses the WHATWG "bad ports" (9, 25, 6000, …) before any socket opens, with no code.
  if (causeMessages(e).includes("bad port")) return conn(`${target} uses a port that HTTP clients refuse to call (a blocked "bad port"); use another port`);
  const code = codes.find((c) => c !== "AbortError");
  return conn(`the request to ${target} failed${code ? ` (${code})` : ""}`);
}

/** Plain words for the socket errors not handled above; the code stays in the message for searching. */
const ERRNO_WORDS: Record<string, string> = {
  ECONNABORTED: "the connection was aborted",
  EADDRNOTAVAIL: "the address is not available from this machine",
  EACCES: "permission denied opening the connection",
  EPERM: "the connection was blocked by this machine (firewall?)",
  EPROTO: "protocol error (is this an HTTPS port called over HTTP, or the reverse?)",
  ENETDOWN: "the network is down",
  EHOSTDOWN: "the host is down",
};

/** Messages along the cause chain; only fixed library texts are compared, never shown. */
function causeMessages(e: unknown): string[] {
  const out: string[] = [];
  for (let x = e, i = 0; x && typeof x === "object" && i < 8; x = (x as { cause?: unknown }).cause, i++) {
    const m = (x as { message?: unknown }).message;
    if (typeof m === "string") out.push(m);
  }
  return out;
}

/** True when the answer is an HTML page (content type, or a body that starts with `<`). */
export function isHtml(contentType: string | null | undefined, text: string): boolean {
  const ct = (contentType ?? "").toLowerCase();
  if (ct.includes("text/html") || ct.includes("application/xhtml")) return true;
  return text.trimStart().startsWith("<");
}

const LOGIN_HINTS = [/\/login\b/i, /accounts\.google\.com/i, /sign[-_]?in/i, /oauth/i, /[/_-]sso\b/i];

/** True for a 3xx whose `Location` looks like a login or SSO page. */
export function isLoginRedirect(status: number, location: string | null | undefined): boolean {
  if (status < 300 || status >= 400 || !location) return false;
  return LOGIN_HINTS.some((re) => re.test(location));
}

/**
 * Parses a JSON body; an empty body gives `undefined`. Invalid JSON → `bad_response` naming what
 * was expected (`what`, e.g. "the DAG list") and the status.
 */
export function parseJsonBody(text: string, what: string, status?: number): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    return badJson(what, status, e);
  }
}

function badJson(what: string, status: number | undefined, cause: unknown): never {
  throw new AirflowError({
    kind: "bad_response",
    message: `${what} is not JSON${status ? ` (HTTP ${status})` : ""}`,
    httpStatus: status ?? null,
    cause,
  });
}

/**
 * Judges an upstream answer to an API call that must be JSON, the same way for every transport:
 * - any 3xx → `auth` (a login page, SSO proxy or wrong base URL; never followed);
 * - HTML with 2xx/401/403 → `auth`; HTML or other non-JSON with 5xx → `http`; 429 → `throttled`;
 * - any other non-JSON → `bad_response` (with the status, so a 404 stays recognisable);
 * - JSON (or an empty body) of any status resolves as `{ status, json }`.
 */
export function jsonFromUpstream(res: UpstreamResponse, url: string): { status: number; json: unknown } {
  const { status, text } = res;
  if (status >= 300 && status < 400) {
    const location = res.headers.get("location");
    const where = location ? hostPath(location, url) : "no Location header";
    const message = isLoginRedirect(status, location)
      ? `redirected to a login page (${where}): the credentials are not accepted`
      : `redirected (${where}) where a JSON answer was expected: a login page or proxy is in front of the API, or the base URL is wrong`;
    throw new AirflowError({ kind: "auth", message, httpStatus: status });
  }
  if (text.trim() === "") return { status, json: undefined };
  const contentType = res.headers.get("content-type");
  const html = isHtml(contentType, text);
  if (!html) {
    try {
      return { status, json: JSON.parse(text) as unknown };
    } catch {
      // fall through: judged below like any other non-JSON body
    }
  }
  if (html && ((status >= 200 && status < 300) || status === 401 || status === 403)) {
    throw new AirflowError({
      kind: "auth",
      message: "an HTML page answered where JSON was expected — a login page or SSO proxy is in front of the API",
      httpStatus: status,
    });
  }
  if (status >= 500) {
    throw new AirflowError({ kind: "http", message: `Airflow answered HTTP ${status}`, httpStatus: status });
  }
  if (status === 429) {
    throw new AirflowError({ kind: "throttled", message: "Airflow answered HTTP 429 (too many requests)", httpStatus: 429 });
  }
  if (status === 401 || status === 403) {
    throw new AirflowError({
      kind: "auth",
      message: `Airflow refused the credentials (HTTP ${status})`,
      httpStatus: status,
    });
  }
  throw new AirflowError({
    kind: "bad_response",
    message: `the answer from ${hostPath(url)} is not JSON (HTTP ${status}, ${(contentType ?? "no content type").split(";")[0]})`,
    httpStatus: status,
  });
}
