import { randomBytes, type KeyObject } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { decodeJwt, generateRsaKey, signJwt, verifyRs256, type RsaKey } from "./jwt";

/**
 * The simulated Google token service: the OAuth token endpoint (`POST /token`, JWT-bearer grants
 * signed by a service-account key) and the GCE metadata server (`/computeMetadata/v1/...`), plus
 * the checks Composer web servers and IAP make on the tokens it issued. Access tokens are opaque
 * and remembered with their expiry; ID tokens are RS256 JWTs signed by the simulator's "Google" key.
 * Times are wall-clock (`Date.now()` unless told otherwise), like the real tokens' lifetimes.
 */

export const GOOGLE_TOKEN_AUD = "https://oauth2.googleapis.com/token";
export const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";
const JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/** A principal the service knows: a service account with a key, or the VM's default account. */
export interface SimServiceAccount {
  email: string;
  /** Numeric unique id (the `sub` of its ID tokens; what `accounts.google.com:ID` refers to). */
  uniqueId: string;
  /** Present for accounts with a downloadable key. */
  key?: RsaKey;
  /** A disabled account (or revoked key) gets `invalid_grant`. */
  disabled?: boolean;
}

/** What a token request was for, so the plane can count it per environment where it can. */
export interface TokenRequestInfo {
  via: "token-endpoint" | "metadata";
  kind: "access" | "id" | "probe" | "other";
  /** The ID token audience, when one was asked for. */
  audience?: string;
}

export interface GoogleTokenServiceOptions {
  projectId: string;
  accessTokenTtlS?: number;
  idTokenTtlS?: number;
  now?: () => number;
}

export type TokenCheck = { ok: true; email: string; uniqueId: string } | { ok: false; reason: string };

function numericId(): string {
  return `1${Array.from(randomBytes(20), (b) => (b % 10).toString()).join("")}`;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

export class GoogleTokenService {
  readonly projectId: string;
  /** The VM's attached service account, served by the metadata server. */
  readonly defaultAccount: SimServiceAccount;
  /** Signs ID tokens, like Google's rotating OIDC keys. */
  private readonly googleKey: RsaKey = generateRsaKey();
  private readonly accounts = new Map<string, SimServiceAccount>();
  private readonly accessTokens = new Map<string, { email: string; uniqueId: string; expiresAt: number }>();
  private readonly now: () => number;
  private readonly accessTtl: number;
  private readonly idTtl: number;

  constructor(opts: GoogleTokenServiceOptions) {
    this.projectId = opts.projectId;
    this.now = opts.now ?? (() => Date.now()); // read late: tests fake Date
    this.accessTtl = opts.accessTokenTtlS ?? 3599;
    this.idTtl = opts.idTokenTtlS ?? 3600;
    this.defaultAccount = { email: `${numericId().slice(0, 12)}-compute@developer.gserviceaccount.com`, uniqueId: numericId() };
    this.accounts.set(this.defaultAccount.email, this.defaultAccount);
  }

  /** Creates a service account with a fresh RSA key and returns the key file JSON it would download. */
  createServiceAccount(name: string, opts: { disabled?: boolean } = {}): { account: SimServiceAccount; keyFile: Record<string, string> } {
    const key = generateRsaKey();
    const account: SimServiceAccount = { email: `${name}@${this.projectId}.iam.gserviceaccount.com`, uniqueId: numericId(), key, disabled: opts.disabled };
    this.accounts.set(account.email, account);
    const keyFile = {
      type: "service_account",
      project_id: this.projectId,
      private_key_id: key.kid,
      private_key: key.privatePem,
      client_email: account.email,
      client_id: account.uniqueId,
      auth_uri: "https://accounts.google.com/o/oauth2/auth",
      // Ignored by google-auth-library (it hard-codes oauth2.googleapis.com); kept as Google writes it.
      token_uri: GOOGLE_TOKEN_AUD,
      auth_provider_x509_cert_url: "https://www.googleapis.com/oauth2/v1/certs",
      client_x509_cert_url: `https://www.googleapis.com/robot/v1/metadata/x509/${encodeURIComponent(account.email)}`,
      universe_domain: "googleapis.com",
    };
    return { account, keyFile };
  }

  /** The public half of the ID-token signing key (what a verifier fetches from Google's JWKS). */
  get idTokenPublicKey(): KeyObject {
    return this.googleKey.publicKey;
  }

  private issueAccessToken(account: SimServiceAccount): { access_token: string; expires_in: number; token_type: string } {
    const token = `ya29.sim-${randomBytes(24).toString("base64url")}`;
    this.accessTokens.set(token, { email: account.email, uniqueId: account.uniqueId, expiresAt: this.now() + this.accessTtl * 1000 });
    return { access_token: token, expires_in: this.accessTtl, token_type: "Bearer" };
  }

  private issueIdToken(account: SimServiceAccount, audience: string): string {
    const iat = Math.floor(this.now() / 1000);
    return signJwt(
      {
        iss: "https://accounts.google.com",
        aud: audience,
        azp: account.uniqueId,
        sub: account.uniqueId,
        email: account.email,
        email_verified: true,
        iat,
        exp: iat + this.idTtl,
      },
      this.googleKey,
    );
  }

  /** Checks an `Authorization: Bearer` access token (Composer 2/3 web servers, the Composer API). */
  checkAccessToken(token: string | undefined): TokenCheck {
    if (!token) return { ok: false, reason: "no credentials" };
    const t = this.accessTokens.get(token);
    if (!t) return { ok: false, reason: "unknown access token" };
    if (t.expiresAt <= this.now()) return { ok: false, reason: "expired access token" };
    return { ok: true, email: t.email, uniqueId: t.uniqueId };
  }

  /** Checks an OIDC ID token as IAP does: Google's signature, issuer, expiry and `aud`. */
  checkIdToken(token: string | undefined, audience: string): TokenCheck {
    if (!token) return { ok: false, reason: "no credentials" };
    const jwt = decodeJwt(token);
    if (!jwt) return { ok: false, reason: "Unable to parse JWT" };
    if (!verifyRs256(jwt, this.googleKey.publicKey)) return { ok: false, reason: "JWT signature is invalid" };
    const c = jwt.claims;
    if (c.iss !== "https://accounts.google.com") return { ok: false, reason: "JWT issuer is not Google" };
    if (typeof c.exp !== "number" || c.exp * 1000 <= this.now()) return { ok: false, reason: "Expired JWT" };
    if (c.aud !== audience) return { ok: false, reason: `JWT audience doesn't match this application ('aud' claim (${String(c.aud)}) doesn't match expected value (${audience}))` };
    return { ok: true, email: String(c.email), uniqueId: String(c.sub) };
  }

  /** `POST /token`: a JWT-bearer grant signed with a service-account key. */
  async handleTokenEndpoint(req: IncomingMessage, res: ServerResponse): Promise<TokenRequestInfo> {
    const info: TokenRequestInfo = { via: "token-endpoint", kind: "other" };
    if (req.method !== "POST") {
      sendJson(res, 405, { error: "invalid_request", error_description: "Method not allowed" });
      return info;
    }
    const form = new URLSearchParams(await readBody(req));
    const bad = (error: string, description: string, status = 400) => {
      sendJson(res, status, { error, error_description: description });
      return info;
    };
    if (form.get("grant_type") !== JWT_BEARER) return bad("unsupported_grant_type", "Invalid grant_type.");
    const jwt = decodeJwt(form.get("assertion") ?? "");
    if (!jwt) return bad("invalid_request", "Invalid JWT: malformed assertion.");
    const c = jwt.claims;
    if (typeof c.target_audience === "string") {
      info.kind = "id";
      info.audience = c.target_audience;
    } else info.kind = "access";
    const account = typeof c.iss === "string" ? this.accounts.get(c.iss) : undefined;
    if (!account?.key) return bad("invalid_grant", "Invalid grant: account not found");
    if (!verifyRs256(jwt, account.key.publicKey)) return bad("invalid_grant", "Invalid JWT Signature.");
    if (account.disabled) return bad("invalid_grant", "Invalid grant: account not found");
    if (c.aud !== GOOGLE_TOKEN_AUD) return bad("invalid_grant", "Invalid JWT: Failed audience check.");
    const nowS = this.now() / 1000;
    if (typeof c.iat !== "number" || typeof c.exp !== "number" || c.iat > nowS + 300 || c.exp <= nowS || c.exp - c.iat > 3600) {
      return bad("invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.");
    }
    if (info.kind === "id") {
      sendJson(res, 200, { id_token: this.issueIdToken(account, info.audience!) });
      return info;
    }
    const scopes = typeof c.scope === "string" ? c.scope.split(" ") : [];
    if (!scopes.includes(CLOUD_PLATFORM_SCOPE)) return bad("invalid_scope", "Invalid OAuth scope or ID token audience provided.");
    sendJson(res, 200, this.issueAccessToken(account));
    return info;
  }

  /**
   * The GCE metadata server, as gcp-metadata 8 speaks it: every request needs
   * `Metadata-Flavor: Google` and every answer carries it back (gcp-metadata rejects answers
   * without it). Detection is `GET /computeMetadata/v1/instance`.
   */
  handleMetadata(req: IncomingMessage, res: ServerResponse): TokenRequestInfo {
    const info: TokenRequestInfo = { via: "metadata", kind: "other" };
    const url = new URL(req.url ?? "/", "http://metadata.google.internal");
    const flavor = { "metadata-flavor": "Google" };
    const text = (status: number, body: string) => {
      sendText(res, status, body, flavor);
      return info;
    };
    if (req.headers["metadata-flavor"] !== "Google" || req.headers["x-forwarded-for"]) {
      sendText(res, 403, "Missing required header: Metadata-Flavor", flavor);
      return info;
    }
    const path = url.pathname.replace(/^\/computeMetadata\/v1\/?/, "").replace(/\/$/, "");
    const sa = /^instance\/service-accounts\/([^/]+)(?:\/(.*))?$/.exec(path);
    if (path === "instance" || path === "") {
      info.kind = "probe";
      sendText(res, 200, "attributes/\nhostname\nid\nservice-accounts/\nzone\n", flavor);
      return info;
    }
    if (path === "project/project-id") return text(200, this.projectId);
    if (path === "project/numeric-project-id") return text(200, "123456789012");
    if (path === "universe/universe-domain") return text(200, "googleapis.com");
    if (path === "instance/service-accounts") return text(200, `default/\n${this.defaultAccount.email}/\n`);
    if (sa && (sa[1] === "default" || sa[1] === this.defaultAccount.email)) {
      const what = sa[2] ?? "";
      if (what === "email") return text(200, this.defaultAccount.email);
      if (what === "scopes") return text(200, `${CLOUD_PLATFORM_SCOPE}\n`);
      if (what === "token") {
        info.kind = "access";
        const scopes = url.searchParams.get("scopes");
        if (scopes && !scopes.split(",").includes(CLOUD_PLATFORM_SCOPE)) {
          sendText(res, 400, "scopes not granted to this VM's service account", flavor);
          return info;
        }
        sendJson(res, 200, this.issueAccessToken(this.defaultAccount), flavor);
        return info;
      }
      if (what === "identity") {
        info.kind = "id";
        const audience = url.searchParams.get("audience");
        if (!audience) {
          sendText(res, 400, "non-empty audience parameter required", flavor);
          return info;
        }
        info.audience = audience;
        sendText(res, 200, this.issueIdToken(this.defaultAccount, audience), flavor);
        return info;
      }
    }
    sendText(res, 404, "Not Found", flavor);
    return info;
  }
}
