import { GoogleAuth, gaxios, gcpMetadata, type IdTokenClient } from "google-auth-library";
import { AirflowError } from "../errors";
import { singleFlight, singleFlightByKey } from "../single-flight";

/**
 * Google credentials for Composer: one token source per credential (a service-account key file, or
 * Application Default Credentials), shared by every environment and every discovery run that uses it.
 * google-auth-library caches each token and refreshes it `eagerRefreshThresholdMillis` (default 5 min)
 * before it expires; this module adds single-flight (concurrent polls share one refresh), an
 * AbortSignal, and errors an operator can act on. It never reads `process.env` itself: the library
 * does, for ADC (`GOOGLE_APPLICATION_CREDENTIALS`, gcloud's file, the metadata server and
 * `GCE_METADATA_HOST`).
 */

export const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";

/** Options handed to google-auth-library's auth clients (the library's `clientOptions`). */
export interface GoogleAuthClientOptions {
  /**
   * The Gaxios instance every token request of a service-account key goes through. The library
   * hard-codes `https://oauth2.googleapis.com/token` (it ignores the key's `token_uri`), so this is
   * the seam for a private token endpoint (Private Service Connect) or a simulator; see
   * `createGoogleHostRewriter`. The metadata server is reached through `GCE_METADATA_HOST` instead.
   */
  transporter?: gaxios.Gaxios;
  /** Refresh this long before expiry (library default 5 minutes). */
  eagerRefreshThresholdMillis?: number;
}

/** Which credential: a key file, or ADC when `credentialsFile` is absent. */
export interface GoogleCredentialRef {
  credentialsFile?: string;
  authClientOptions?: GoogleAuthClientOptions;
}

function abortError(signal: AbortSignal, what: string): AirflowError {
  const reason = signal.reason as { name?: string } | undefined;
  const timedOut = reason?.name === "TimeoutError" || reason === undefined;
  return new AirflowError({
    kind: timedOut ? "timeout" : "connection",
    message: `${what}: ${timedOut ? "timed out" : "cancelled"}`,
    cause: signal.reason,
  });
}

const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EHOSTDOWN", "EPIPE"]);

function clip(s: string, n = 200): string {
  const one = s.replace(/\s+/g, " ").trim();
  return one.length > n ? `${one.slice(0, n)}…` : one;
}

/**
 * Gaxios errors carry the request (a signed assertion) and response: keep only name, message and
 * code as the cause, so logging an error can never print a credential.
 */
function safeCause(e: unknown): Error {
  const err = e as { name?: unknown; message?: unknown; code?: unknown };
  // A JSON parse error may quote the key file it failed on.
  const out = new Error(err?.name === "SyntaxError" ? "invalid JSON" : clip(String(err?.message ?? e), 300));
  out.name = typeof err?.name === "string" ? err.name : "Error";
  if (typeof err?.code === "string" || typeof err?.code === "number") (out as Error & { code?: unknown }).code = err.code;
  return out;
}

/** Turns whatever google-auth-library threw into an `AirflowError` naming the credential. */
export function toGoogleAuthError(raw: unknown, source: string, credentialsFile?: string): AirflowError {
  if (raw instanceof AirflowError) return raw;
  const e = safeCause(raw);
  const err = raw as { message?: string; code?: unknown; status?: number; response?: { status?: number; data?: unknown }; name?: string };
  const message = String(err?.message ?? raw);
  const code = typeof err?.code === "string" ? err.code : undefined;
  const status = err?.response?.status ?? err?.status;

  if (credentialsFile && (code === "ENOENT" || code === "EISDIR")) {
    return new AirflowError({ kind: "auth", message: `Google service-account key file ${credentialsFile} was not found`, cause: e });
  }
  if (credentialsFile && code === "EACCES") {
    return new AirflowError({ kind: "auth", message: `Google service-account key file ${credentialsFile} cannot be read (permission denied)`, cause: e });
  }
  if (credentialsFile && (err?.name === "SyntaxError" || /client_email|private_key|incoming JSON|Must pass in a stream|type field/i.test(message))) {
    return new AirflowError({
      kind: "auth",
      message: `Google service-account key file ${credentialsFile} is not a valid key: expected the JSON key of a service account (type, client_email, private_key)`,
      cause: e,
    });
  }
  if (credentialsFile && (/DECODER|PEM|asn1|ERR_OSSL|private key/i.test(message) || /^ERR_OSSL/.test(code ?? ""))) {
    return new AirflowError({ kind: "auth", message: `Google service-account key file ${credentialsFile} has a private_key that cannot sign: download a new key`, cause: e });
  }
  if (/Could not load the default credentials|Unable to find credentials/i.test(message)) {
    return new AirflowError({
      kind: "auth",
      message:
        "No Google credentials found: set credentialsFile, or GOOGLE_APPLICATION_CREDENTIALS, or run `gcloud auth application-default login`, or run on Google Cloud with a service account attached (metadata server, GCE_METADATA_HOST)",
      cause: e,
    });
  }
  if (/Cannot fetch ID token in this environment/i.test(message)) {
    return new AirflowError({
      kind: "auth",
      message: `${source} cannot mint OIDC ID tokens (needed for a Composer 1 web server behind IAP): use a service-account key or the metadata server`,
      cause: e,
    });
  }
  if (status === 429) {
    return new AirflowError({ kind: "throttled", message: `Google's token service is rate limiting ${source}`, httpStatus: 429, cause: e });
  }
  if (typeof status === "number" && status >= 500) {
    return new AirflowError({ kind: "http", message: `Google's token service failed for ${source} (HTTP ${status})`, httpStatus: status, cause: e });
  }
  if (typeof status === "number") {
    const data = err.response?.data as { error?: unknown; error_description?: unknown } | string | undefined;
    const detail =
      data && typeof data === "object" && typeof data.error === "string"
        ? `${data.error}${typeof data.error_description === "string" ? ` (${clip(data.error_description)})` : ""}`
        : `HTTP ${status}`;
    return new AirflowError({
      kind: "auth",
      message: `Google refused a token for ${source}: ${detail}; check that the service account exists, is enabled and its key is not revoked`,
      httpStatus: status,
      cause: e,
    });
  }
  if ((code && NETWORK_CODES.has(code)) || /ECONNREFUSED|ENOTFOUND|socket hang up/i.test(message)) {
    return new AirflowError({ kind: "connection", message: `Could not reach Google's token service for ${source} (${code ?? "network error"})`, cause: e });
  }
  if (code === "TimeoutError" || err?.name === "TimeoutError" || /timeout/i.test(code ?? "")) {
    return new AirflowError({ kind: "timeout", message: `Google's token service did not answer in time for ${source}`, cause: e });
  }
  return new AirflowError({ kind: "auth", message: `Could not get a Google token from ${source}: ${clip(message)}`, cause: e });
}

/**
 * One credential's tokens: an OAuth access token (cloud-platform scope) and OIDC ID tokens per
 * audience. Both are cached by the library until `eagerRefreshThresholdMillis` before expiry.
 */
export class GoogleTokenSource {
  readonly description: string;
  private auth: GoogleAuth | null = null;
  private idClients = new Map<string, Promise<IdTokenClient>>();

  constructor(private readonly ref: GoogleCredentialRef) {
    this.description = ref.credentialsFile ? `the service-account key ${ref.credentialsFile}` : "Application Default Credentials";
  }

  private googleAuth(): GoogleAuth {
    if (!this.auth) {
      this.auth = new GoogleAuth({
        keyFilename: this.ref.credentialsFile,
        scopes: [CLOUD_PLATFORM_SCOPE],
        // Composer URLs name their project; a project id here only spares the library its
        // project-id hunt (which spawns `gcloud`), it is never sent anywhere.
        projectId: "flightboard-unused",
        clientOptions: { ...this.ref.authClientOptions },
      });
    }
    return this.auth;
  }

  /** A failed credential lookup is cached by the library forever; start over on the next call. */
  private reset(): void {
    this.auth = null;
    this.idClients.clear();
    // gcp-metadata remembers "no metadata server" for the whole process: ask again next time.
    if (!this.ref.credentialsFile) gcpMetadata.resetIsAvailableCache();
  }

  private fail(e: unknown): never {
    const err = toGoogleAuthError(e, this.description, this.ref.credentialsFile);
    if (err.kind === "auth" || err.kind === "connection") this.reset();
    throw err;
  }

  /** An access token for `cloud-platform`. */
  accessToken(signal: AbortSignal): Promise<string> {
    return this.accessFlight(signal);
  }

  private readonly accessFlight = singleFlight(
    async () => {
      try {
        const token = await this.googleAuth().getAccessToken();
        if (!token) throw new Error("the token service answered without an access token");
        return token;
      } catch (e) {
        return this.fail(e);
      }
    },
    { aborted: (signal) => abortError(signal, `Getting a Google access token from ${this.description}`) },
  );

  /** An OIDC ID token whose `aud` is `audience` (an IAP OAuth client id). */
  idToken(audience: string, signal: AbortSignal): Promise<string> {
    return this.idFlight(audience, signal);
  }

  private readonly idFlight = singleFlightByKey(
    async (audience: string) => {
      try {
        let client = this.idClients.get(audience);
        if (!client) {
          client = this.googleAuth().getIdTokenClient(audience);
          this.idClients.set(audience, client);
        }
        const headers = await (await client).getRequestHeaders();
        const value = headers.get("authorization") ?? "";
        const token = value.replace(/^Bearer\s+/i, "");
        if (!token) throw new Error("the token service answered without an ID token");
        return token;
      } catch (e) {
        return this.fail(e);
      }
    },
    { aborted: (signal) => abortError(signal, `Getting a Google ID token from ${this.description}`) },
  );
}

/**
 * The registry that makes "one token source per credential" true across environments. Keyed by the
 * key file path (or ADC) and the options object's transporter, so a test's rewriting transporter
 * never leaks into production sources.
 */
export class GoogleTokenSources {
  private byTransporter = new WeakMap<object, Map<string, GoogleTokenSource>>();
  private plain = new Map<string, GoogleTokenSource>();

  get(ref: GoogleCredentialRef): GoogleTokenSource {
    const t = ref.authClientOptions?.transporter;
    let map = t ? this.byTransporter.get(t) : this.plain;
    if (!map) {
      map = new Map();
      this.byTransporter.set(t!, map);
    }
    const key = `${ref.credentialsFile ?? "<adc>"}|${ref.authClientOptions?.eagerRefreshThresholdMillis ?? ""}`;
    let source = map.get(key);
    if (!source) {
      source = new GoogleTokenSource(ref);
      map.set(key, source);
    }
    return source;
  }
}

/** The process-wide registry connectors and discovery use unless handed their own. */
export const sharedGoogleTokenSources = new GoogleTokenSources();

/**
 * A Gaxios transporter that sends requests for some Google hosts elsewhere, e.g.
 * `{ "oauth2.googleapis.com": "https://oauth2-myvpc.p.googleapis.com" }` for Private Service
 * Connect, or a simulator's origin in tests. Paths and queries are kept.
 */
export function createGoogleHostRewriter(hosts: Record<string, string>): gaxios.Gaxios {
  const transporter = new gaxios.Gaxios();
  transporter.interceptors.request.add({
    resolved: async (config) => {
      const url = new URL(String(config.url));
      const target = hosts[url.host];
      if (target) {
        const base = new URL(target);
        url.protocol = base.protocol;
        url.host = base.host;
        if (base.pathname !== "/") url.pathname = base.pathname.replace(/\/$/, "") + url.pathname;
        config.url = url;
      }
      return config;
    },
  });
  return transporter;
}
