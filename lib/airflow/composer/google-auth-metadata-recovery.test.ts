// @vitest-environment node
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it, vi } from "vitest";
import { GoogleTokenService } from "@/sim/composer/google";
import { AirflowError } from "../errors";
import { GoogleTokenSources } from "./google-auth";

/**
 * A metadata server that is down when Flightboard starts must be found once it is up: neither
 * google-auth-library's cached "no credentials" nor gcp-metadata's process-wide detection answer
 * may stick. (Own file: that detection cache lives for the whole process.)
 */

const tokens = new GoogleTokenService({ projectId: "p" });
const server: Server = createServer((req, res) => void tokens.handleMetadata(req, res));
const gcloudDir = mkdtempSync(join(tmpdir(), "fb-gcloud-"));

afterAll(async () => {
  vi.unstubAllEnvs();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(gcloudDir, { recursive: true, force: true });
});

it("recovers when the metadata server comes up after a failed lookup", async () => {
  // Take a free port, release it, and point GCE_METADATA_HOST at it while nothing listens.
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  await new Promise((r) => server.close(r));
  vi.stubEnv("GCE_METADATA_HOST", `127.0.0.1:${port}`);
  vi.stubEnv("GOOGLE_APPLICATION_CREDENTIALS", "");
  vi.stubEnv("CLOUDSDK_CONFIG", gcloudDir);

  const source = new GoogleTokenSources().get({});
  const e = await source.accessToken(AbortSignal.timeout(10_000)).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(AirflowError);
  expect((e as AirflowError).kind).toBe("auth");
  expect((e as AirflowError).message).toMatch(/No Google credentials found/);

  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  const token = await source.accessToken(AbortSignal.timeout(10_000));
  expect(tokens.checkAccessToken(token).ok).toBe(true);
});
