// @vitest-environment node
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { googleTokenServerPerFile } from "@/lib/testing/google-token-server";
import { GoogleTokenSources } from "./google-auth";

/**
 * Application Default Credentials through the GCE metadata-server protocol, found via
 * GCE_METADATA_HOST (read by gcp-metadata on every call, so stubbing it before the first call is
 * enough; vitest runs each test file in its own process, so the library's process-wide
 * "is there a metadata server" answer cannot leak between files).
 */

const google = googleTokenServerPerFile("metadata");
const { tokens, hits } = google;
let gcloudDir: string;

beforeAll(() => {
  gcloudDir = mkdtempSync(join(tmpdir(), "fb-gcloud-"));
  vi.stubEnv("GCE_METADATA_HOST", new URL(google.origin).host);
  vi.stubEnv("GOOGLE_APPLICATION_CREDENTIALS", "");
  vi.stubEnv("CLOUDSDK_CONFIG", gcloudDir);
});

afterAll(() => {
  vi.unstubAllEnvs();
  rmSync(gcloudDir, { recursive: true, force: true });
});
afterEach(() => vi.useRealTimers());

const signal = () => AbortSignal.timeout(10_000);

describe("GoogleTokenSource with ADC on the metadata server", () => {
  it("probes once, then gets an access token for the VM's account, and reuses it", async () => {
    const source = new GoogleTokenSources().get({});
    const a = await source.accessToken(signal());
    expect(tokens.checkAccessToken(a)).toMatchObject({ ok: true, email: tokens.defaultAccount.email });
    expect(await source.accessToken(signal())).toBe(a);
    expect(hits).toEqual(["probe:", "access:"]);
  });

  it("gets ID tokens for an audience (format=full) that IAP accepts", async () => {
    const source = new GoogleTokenSources().get({});
    const aud = "123-abc.apps.googleusercontent.com";
    const t = await source.idToken(aud, signal());
    expect(tokens.checkIdToken(t, aud)).toMatchObject({ ok: true, email: tokens.defaultAccount.email });
    expect(tokens.checkIdToken(t, "other.apps.googleusercontent.com").ok).toBe(false);
    expect(await source.idToken(aud, signal())).toBe(t);
    expect(hits.filter((h) => h.startsWith("id:"))).toEqual([`id:${aud}`]);
  });

  it("refreshes access and ID tokens only near expiry", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.UTC(2026, 0, 1) });
    const source = new GoogleTokenSources().get({});
    const aud = "456-def.apps.googleusercontent.com";
    for (let t = 0; t < 6 * 3600; t += 30) {
      expect(tokens.checkAccessToken(await source.accessToken(signal())).ok).toBe(true);
      expect(tokens.checkIdToken(await source.idToken(aud, signal()), aud).ok).toBe(true);
      vi.setSystemTime(Date.now() + 30_000);
    }
    // 3599 s access tokens and 3600 s ID tokens, each renewed 5 min early: 7 of each in 6 h.
    expect(hits.filter((h) => h === "access:")).toHaveLength(7);
    expect(hits.filter((h) => h === `id:${aud}`)).toHaveLength(7);
  });
});
