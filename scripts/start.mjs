#!/usr/bin/env node
// `npm start`: builds when the build is missing or older than the sources, checks the configuration
// (refusing to start on any problem, before anything listens), prepares the simulator's CA in demo
// mode, then runs the production entry point (server/main.ts: the hot paths, graceful shutdown, and
// Next.js through its custom-server API) in the foreground.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");

function newestMtime(p) {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = 0;
  for (const name of readdirSync(p)) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    if (/\.test\.tsx?$/.test(name)) continue;
    max = Math.max(max, newestMtime(path.join(p, name)));
  }
  return max;
}

function needsBuild() {
  const buildId = path.join(root, ".next", "BUILD_ID");
  if (!existsSync(buildId)) return true;
  const built = statSync(buildId).mtimeMs;
  const sources = ["app", "components", "lib", "sim", "public", "instrumentation.ts", "proxy.ts", "next.config.js", "server/security-headers.mjs", "package.json", "tsconfig.json"];
  return sources.some((s) => newestMtime(path.join(root, s)) > built);
}

if (process.env.FLIGHTBOARD_SKIP_BUILD !== "1" && needsBuild()) {
  console.log("flightboard: building (first start or sources changed)…");
  const r = spawnSync(process.execPath, [nextBin, "build"], { cwd: root, env, stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// Validate the configuration (and in demo mode prepare the simulator's TLS CA) before listening.
const pre = spawnSync(process.execPath, ["--import", "tsx", path.join(root, "scripts", "prestart.ts")], {
  cwd: process.cwd(),
  env,
  stdio: ["ignore", "pipe", "inherit"],
  encoding: "utf8",
});
if (pre.status !== 0) process.exit(pre.status ?? 1);
const prep = JSON.parse(pre.stdout.trim().split("\n").pop() || "{}");
if (prep.caBundle) env.NODE_EXTRA_CA_CERTS = prep.caBundle;

const port = process.env.PORT || "3000";
env.PORT = port;
// The entry point as plain JavaScript (about a second; always, so it never lags behind lib/).
const bundled = spawnSync(process.execPath, [path.join(root, "scripts", "build-server.mjs")], { cwd: root, env, stdio: "inherit" });
if (bundled.status !== 0) process.exit(bundled.status ?? 1);
// V8 grows the old generation up to 4 × the live heap between full collections on a machine with
// this much memory; the monitor's live data (~135 MB at 200 × 500) then sat under ~500 MB of slack.
// 1.5 × keeps RSS near the live data for a few more (concurrent) collections. The Dockerfile's CMD
// passes the same flag.
const V8_FLAGS = ["--heap-growing-percent=50"];
const child = spawn(process.execPath, [...V8_FLAGS, path.join(root, "dist", "server.mjs")], { cwd: root, env, stdio: "inherit" });
// Forwarded for a supervisor that signals only this process; main.ts treats a copy that arrives
// together with the group's own as one signal.
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
