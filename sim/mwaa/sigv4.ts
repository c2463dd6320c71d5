import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";

/**
 * An independent AWS Signature Version 4 verifier (node:crypto only): it rebuilds the canonical
 * request from the headers named in `SignedHeaders` exactly as AWS does and compares signatures.
 * Being written separately from `@smithy/signature-v4`, it catches signing mistakes in the
 * connector instead of mirroring them.
 */

export interface SigV4Secret {
  secretAccessKey: string;
  /** Required in `x-amz-security-token` when set (temporary credentials). */
  sessionToken?: string;
}

export interface SigV4Request {
  method: string;
  /** Raw request target as received: path plus `?query`. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export type SigV4Result =
  | { ok: true; accessKeyId: string; region: string; service: string }
  | { ok: false; status: number; code: string; message: string };

const ALGORITHM = "AWS4-HMAC-SHA256";
const MAX_SKEW_MS = 15 * 60_000;

/** RFC 3986 escaping as AWS (and the SDK) apply it. */
function escapeUri(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The canonical URI: dot segments removed, then each character escaped again (SigV4 double-encodes for non-S3 services). */
function canonicalPath(path: string): string {
  const segs: string[] = [];
  for (const seg of path.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") segs.pop();
    else segs.push(seg);
  }
  const normalized = `${path.startsWith("/") ? "/" : ""}${segs.join("/")}${segs.length > 0 && path.endsWith("/") ? "/" : ""}`;
  return escapeUri(normalized).replace(/%2F/g, "/");
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function canonicalQuery(search: string): string {
  if (!search) return "";
  const pairs: Array<[string, string]> = [];
  for (const part of search.split("&")) {
    if (!part) continue;
    const eq = part.indexOf("=");
    const k = safeDecode(eq < 0 ? part : part.slice(0, eq));
    const v = safeDecode(eq < 0 ? "" : part.slice(eq + 1));
    if (k.toLowerCase() === "x-amz-signature") continue;
    pairs.push([escapeUri(k), escapeUri(v)]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join("&");
}

const sha256Hex = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");
const hmac = (key: Buffer | string, data: string) => createHmac("sha256", key).update(data, "utf8").digest();

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(",") : v;
}

function parseAmzDate(s: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : null;
}

/**
 * Verifies the request's `Authorization` header. `lookup` returns the secret of an access key id
 * (or undefined if unknown); `service` is the signing name the endpoint expects (`airflow`, `sts`).
 * Signing dates are checked against the real wall clock (the SDK signs with it), not a sim clock.
 */
export function verifySigV4(req: SigV4Request, service: string, lookup: (accessKeyId: string) => SigV4Secret | undefined): SigV4Result {
  const deny = (code: string, message: string, status = 403): SigV4Result => ({ ok: false, status, code, message });
  const auth = header(req.headers, "authorization");
  if (!auth) return deny("MissingAuthenticationTokenException", "Missing Authentication Token");
  const m = /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})\s*$/.exec(auth);
  if (!m) return deny("IncompleteSignatureException", "Authorization header requires Credential, SignedHeaders and Signature (AWS4-HMAC-SHA256).");
  const [, credential, signedHeaders, signature] = m as unknown as [string, string, string, string];
  const scopeParts = credential.split("/");
  if (scopeParts.length !== 5 || scopeParts[4] !== "aws4_request") return deny("IncompleteSignatureException", "Credential scope is malformed.");
  const [accessKeyId, shortDate, region, signedService] = scopeParts as [string, string, string, string, string];
  if (signedService !== service) return deny("InvalidSignatureException", `Credential should be scoped to correct service: '${service}'.`);
  const secret = lookup(accessKeyId);
  if (!secret) return deny("UnrecognizedClientException", "The security token included in the request is invalid.");
  if (secret.sessionToken !== undefined && header(req.headers, "x-amz-security-token") !== secret.sessionToken) {
    return deny("UnrecognizedClientException", "The security token included in the request is invalid.");
  }
  const amzDate = header(req.headers, "x-amz-date") ?? "";
  const signedAt = parseAmzDate(amzDate);
  if (signedAt === null || amzDate.slice(0, 8) !== shortDate) return deny("IncompleteSignatureException", "X-Amz-Date is missing or does not match the credential scope.");
  if (Math.abs(Date.now() - signedAt) > MAX_SKEW_MS) return deny("InvalidSignatureException", "Signature expired: the signing time is more than 15 minutes from the server time.");

  const names = signedHeaders.split(";");
  if (!names.includes("host") || names.some((n, i) => i > 0 && names[i - 1]! >= n)) {
    return deny("InvalidSignatureException", "SignedHeaders must be sorted, lower case, and include host.");
  }
  const bodyHash = sha256Hex(req.body);
  const declared = header(req.headers, "x-amz-content-sha256");
  if (declared !== undefined && declared !== bodyHash && declared !== "UNSIGNED-PAYLOAD") {
    return deny("InvalidSignatureException", "The provided x-amz-content-sha256 header does not match what was computed.", 400);
  }
  const canonicalHeaders = names.map((n) => `${n}:${(header(req.headers, n) ?? "").trim().replace(/\s+/g, " ")}\n`).join("");
  const q = req.url.indexOf("?");
  const path = q < 0 ? req.url : req.url.slice(0, q);
  const search = q < 0 ? "" : req.url.slice(q + 1);
  const canonicalRequest = [req.method.toUpperCase(), canonicalPath(path), canonicalQuery(search), canonicalHeaders, signedHeaders, declared ?? bodyHash].join("\n");
  const scope = `${shortDate}/${region}/${service}/aws4_request`;
  const stringToSign = [ALGORITHM, amzDate, scope, sha256Hex(canonicalRequest)].join("\n");
  const key = hmac(hmac(hmac(hmac(`AWS4${secret.secretAccessKey}`, shortDate), region), service), "aws4_request");
  const want = createHmac("sha256", key).update(stringToSign, "utf8").digest();
  const got = Buffer.from(signature, "hex");
  if (got.length !== want.length || !timingSafeEqual(got, want)) {
    return deny(
      "InvalidSignatureException",
      "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.",
    );
  }
  return { ok: true, accessKeyId, region, service };
}
