import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { airflowFailure } from "@/lib/testing/airflow-failure";
import { googleTokenServerPerFile } from "@/lib/testing/google-token-server";
import { createGoogleHostRewriter, GoogleTokenSources } from "./google-auth";

/**
 * google-auth-library (the real one) with a service-account key file, against the simulator's
 * Google token endpoint; the library's hard-coded oauth2.googleapis.com is rewritten by an
 * injected Gaxios transporter.
 */

const google = googleTokenServerPerFile("token-endpoint");
const { tokens, hits } = google;
let dir: string;
let keyFile: string;
let deletedKeyFile: string;
let transporter: ReturnType<typeof createGoogleHostRewriter>;

beforeAll(() => {
  transporter = createGoogleHostRewriter({ "oauth2.googleapis.com": google.origin });
  dir = mkdtempSync(join(tmpdir(), "fb-gauth-"));
  keyFile = join(dir, "key.json");
  deletedKeyFile = join(dir, "deleted.json");
  writeFileSync(keyFile, JSON.stringify(tokens.createServiceAccount("reader").keyFile));
  writeFileSync(deletedKeyFile, JSON.stringify(tokens.createServiceAccount("gone", { disabled: true }).keyFile));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.useRealTimers());

const signal = () => AbortSignal.timeout(10_000);

describe("GoogleTokenSource with a key file", () => {
  it("gets an access token the token service accepts, and reuses it", async () => {
    const source = new GoogleTokenSources().get({ credentialsFile: keyFile, authClientOptions: { transporter } });
    const [a, b] = await Promise.all([source.accessToken(signal()), source.accessToken(signal())]);
    expect(a).toBe(b);
    expect(tokens.checkAccessToken(a)).toMatchObject({ ok: true, email: "reader@p.iam.gserviceaccount.com" });
    expect(await source.accessToken(signal())).toBe(a);
    expect(hits).toEqual(["access:"]);
  });

  it("gets ID tokens per audience with the right aud, cached per audience", async () => {
    const source = new GoogleTokenSources().get({ credentialsFile: keyFile, authClientOptions: { transporter } });
    const one = await source.idToken("client-1.apps.googleusercontent.com", signal());
    const two = await source.idToken("client-2.apps.googleusercontent.com", signal());
    expect(tokens.checkIdToken(one, "client-1.apps.googleusercontent.com").ok).toBe(true);
    expect(tokens.checkIdToken(one, "client-2.apps.googleusercontent.com")).toMatchObject({ ok: false });
    expect(tokens.checkIdToken(two, "client-2.apps.googleusercontent.com").ok).toBe(true);
    expect(await source.idToken("client-1.apps.googleusercontent.com", signal())).toBe(one);
    expect(hits.sort()).toEqual(["id:client-1.apps.googleusercontent.com", "id:client-2.apps.googleusercontent.com"]);
  });

  it("shares one source per credential", () => {
    const sources = new GoogleTokenSources();
    const a = sources.get({ credentialsFile: keyFile, authClientOptions: { transporter } });
    expect(sources.get({ credentialsFile: keyFile, authClientOptions: { transporter } })).toBe(a);
    expect(sources.get({ credentialsFile: deletedKeyFile, authClientOptions: { transporter } })).not.toBe(a);
    expect(sources.get({ credentialsFile: keyFile })).not.toBe(a);
  });

  it("refreshes only near expiry: about one token request per hour", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.UTC(2026, 0, 1) });
    // The simulator's clock is the same faked Date: its tokens expire in simulated time too.
    const source = new GoogleTokenSources().get({ credentialsFile: keyFile, authClientOptions: { transporter } });
    const seen = new Set<string>();
    const hours = 6;
    for (let t = 0; t < hours * 3600; t += 30) {
      const token = await source.accessToken(signal());
      expect(tokens.checkAccessToken(token).ok).toBe(true);
      seen.add(token);
      vi.setSystemTime(Date.now() + 30_000);
    }
    // 3599 s tokens renewed 5 min before expiry: every ~55 min → 7 over 6 h (first + 6 renewals).
    expect(hits.filter((h) => h === "access:")).toHaveLength(7);
    expect(seen.size).toBe(7);
  });

  it("a missing key file is an auth error naming the file", async () => {
    const missing = join(dir, "nope.json");
    const e = await airflowFailure(new GoogleTokenSources().get({ credentialsFile: missing, authClientOptions: { transporter } }).accessToken(signal()));
    expect(e.kind).toBe("auth");
    expect(e.message).toContain(missing);
    expect(e.message).toMatch(/not found/);
  });

  it("an invalid key file is an auth error naming the file, without its content", async () => {
    const bad = join(dir, "bad.json");
    writeFileSync(bad, '{"type":"service_account","private_key":"-----BEGIN PRIVATE KEY-----\\nsecretstuff');
    const e = await airflowFailure(new GoogleTokenSources().get({ credentialsFile: bad, authClientOptions: { transporter } }).accessToken(signal()));
    expect(e.kind).toBe("auth");
    expect(e.message).toContain(bad);
    expect(e.message).not.toContain("secretstuff");
    const noEmail = join(dir, "no-email.json");
    writeFileSync(noEmail, JSON.stringify({ type: "service_account", private_key: "x" }));
    const e2 = await airflowFailure(new GoogleTokenSources().get({ credentialsFile: noEmail, authClientOptions: { transporter } }).accessToken(signal()));
    expect(e2.kind).toBe("auth");
    expect(e2.message).toContain(noEmail);
  });

  it("a key with an unusable private key is an auth error naming the file", async () => {
    const broken = join(dir, "broken.json");
    writeFileSync(broken, JSON.stringify({ type: "service_account", client_email: "x@p.iam.gserviceaccount.com", private_key: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n" }));
    const e = await airflowFailure(new GoogleTokenSources().get({ credentialsFile: broken, authClientOptions: { transporter } }).accessToken(signal()));
    expect(e.kind).toBe("auth");
    expect(e.message).toContain(broken);
  });

  it("invalid_grant from the token endpoint is an auth error", async () => {
    const e = await airflowFailure(new GoogleTokenSources().get({ credentialsFile: deletedKeyFile, authClientOptions: { transporter } }).accessToken(signal()));
    expect(e.kind).toBe("auth");
    expect(e.message).toMatch(/invalid_grant/);
    expect(e.message).toContain(deletedKeyFile);
  });

  it("an unreachable token endpoint is a connection error", async () => {
    const t = createGoogleHostRewriter({ "oauth2.googleapis.com": "http://127.0.0.1:1" });
    const e = await airflowFailure(new GoogleTokenSources().get({ credentialsFile: keyFile, authClientOptions: { transporter: t } }).accessToken(signal()));
    expect(e.kind).toBe("connection");
  });
});
