#!/usr/bin/env node
// Bundles the production entry point (server/main.ts and the lib/ code it runs outside Next.js) into
// one file, dist/server.mjs, so the running server needs no TypeScript loader (less memory, faster
// start) and the container image carries plain JavaScript. Packages stay external (node_modules).
// `server-only` is the empty module here, as it is on the server under Next's bundler.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
await build({
  entryPoints: [path.join(root, "server", "main.ts")],
  outfile: path.join(root, "dist", "server.mjs"),
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  alias: { "server-only": path.join(root, "node_modules", "server-only", "empty.js") },
  tsconfig: path.join(root, "tsconfig.json"),
  sourcemap: "linked",
  logLevel: "warning",
  // ESM output that calls require() (bundled CommonJS helpers) needs one.
  banner: { js: 'import { createRequire as __flightboardRequire } from "node:module"; const require = __flightboardRequire(import.meta.url);' },
});
