#!/usr/bin/env node
// `npm test`: every test, in the order CI runs them — lint and types, a production build, unit and
// integration (Vitest, against the simulator on loopback), then the Playwright end-to-end tests in
// Chromium. The simulator's CA is prepared first so every Node process trusts it from its start.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
delete env.FLIGHTBOARD_CONFIG;

function run(label, cmd, args, extra = {}) {
  const t0 = Date.now();
  console.log(`\n▶ ${label}`);
  const r = spawnSync(cmd, args, { cwd: root, env, stdio: "inherit", ...extra });
  const s = ((Date.now() - t0) / 1000).toFixed(1);
  if (r.status !== 0) {
    console.error(`✖ ${label} failed after ${s} s`);
    process.exit(r.status ?? 1);
  }
  console.log(`✔ ${label} (${s} s)`);
}

const node = process.execPath;
const bin = (p) => path.join(root, "node_modules", p);

const ca = spawnSync(node, ["--import", "tsx", "-e", "import('./scripts/sim-ca.ts').then(async m => console.log(await m.prepareSimCa() ?? ''))"], {
  cwd: root,
  env,
  encoding: "utf8",
});
if (ca.status !== 0) {
  process.stderr.write(ca.stderr);
  process.exit(1);
}
const bundle = ca.stdout.trim().split("\n").pop();
if (bundle) env.NODE_EXTRA_CA_CERTS = bundle;

const only = process.argv[2];
if (!only || only === "static") {
  run("typecheck", node, [bin("next/dist/bin/next"), "typegen"]);
  run("tsc", node, [bin("typescript/bin/tsc"), "--noEmit"]);
  run("eslint", node, [bin("eslint/bin/eslint.js"), "--max-warnings=0", "."]);
}
// The production build comes before Vitest: the process tests (three replicas of dist/server.mjs)
// run the real build and skip without one, so a full run must never reach them unbuilt.
if (!only || only === "e2e") run("build", node, [bin("next/dist/bin/next"), "build"]);
// Vitest runs under a throwaway PostgreSQL so the store suite covers both backends.
if (!only || only === "unit") run("unit + integration (vitest)", node, [path.join(root, "scripts", "with-postgres.mjs"), node, bin("vitest/vitest.mjs"), "run"]);
if (!only || only === "e2e") {
  run("end-to-end (playwright)", node, [bin("@playwright/test/cli.js"), "test"], { env: { ...env, FLIGHTBOARD_SKIP_BUILD: "1" } });
}
console.log("\nall tests passed");
