import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { prepareSimCa } from "./scripts/sim-ca.ts";

// Node reads NODE_EXTRA_CA_CERTS only at start: set it here, before the test workers are forked,
// so the connectors trust the simulator's TLS servers exactly as production trusts a private CA.
const bundle = await prepareSimCa();
if (bundle) process.env.NODE_EXTRA_CA_CERTS = bundle;

export default defineConfig({
  resolve: {
    tsconfigPaths: true,
    // `server-only` throws outside React Server Components; tests import server modules directly.
    alias: { "server-only": fileURLToPath(new URL("./node_modules/server-only/empty.js", import.meta.url)) },
  },
  test: {
    include: ["{lib,sim,app,components,scripts,bench}/**/*.test.{ts,tsx}"],
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
