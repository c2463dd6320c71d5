import { defineConfig } from "@playwright/test";
import { chromiumArgs, chromiumPath } from "./e2e/helpers/chromium";

const PORT = Number(process.env.E2E_PORT ?? 3107);
const BASE_URL = `http://localhost:${PORT}`;
// The authentication suite runs against its own server: a config file with `auth:` enabled, a
// loopback OpenID Connect provider and the simulator, all started by e2e/auth-harness.ts.
const AUTH_PORT = Number(process.env.E2E_AUTH_PORT ?? 3108);
const AUTH_BASE_URL = `http://localhost:${AUTH_PORT}`;
const AUTH_SPECS = /auth[^/]*\.spec\.ts$/;

export default defineConfig({
  testDir: "./e2e",
  outputDir: "./test-results",
  workers: 1,
  retries: 0,
  timeout: 60_000,
  reporter: [["list"]],
  use: { baseURL: BASE_URL, screenshot: "only-on-failure", trace: "off" },
  projects: [
    {
      name: "chromium",
      testIgnore: AUTH_SPECS,
      use: {
        browserName: "chromium",
        launchOptions: { executablePath: chromiumPath, args: chromiumArgs },
      },
    },
    {
      name: "auth",
      testMatch: AUTH_SPECS,
      use: {
        baseURL: AUTH_BASE_URL,
        browserName: "chromium",
        launchOptions: { executablePath: chromiumPath, args: chromiumArgs },
      },
    },
  ],
  webServer: [
    {
      command: "node scripts/start.mjs",
      url: `${BASE_URL}/api/healthz`,
      reuseExistingServer: !process.env.CI,
      timeout: 180_000,
      stdout: "pipe",
      env: { PORT: String(PORT), NEXT_TELEMETRY_DISABLED: "1", FLIGHTBOARD_CONFIG: "" },
    },
    {
      // Never reused: the specs read the secrets this run's harness generated.
      command: "node --import tsx e2e/auth-harness.ts",
      url: `${AUTH_BASE_URL}/api/healthz`,
      reuseExistingServer: false,
      timeout: 180_000,
      stdout: "ignore",
      // The harness stops the server it started (its own process group) on SIGTERM.
      gracefulShutdown: { signal: "SIGTERM", timeout: 5000 },
      env: { E2E_AUTH_PORT: String(AUTH_PORT), NEXT_TELEMETRY_DISABLED: "1", FLIGHTBOARD_CONFIG: "" },
    },
  ],
});
