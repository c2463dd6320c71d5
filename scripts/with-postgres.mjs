#!/usr/bin/env node
// Runs a command with a throwaway PostgreSQL: initdb in a temporary folder, a loopback port, then
// FLIGHTBOARD_TEST_PG_URL for the command; the server is stopped by its pid and the folder removed.
// Debian's `postgresql` package provides the binaries (.ci/run installs it). PostgreSQL refuses to
// run as root, so as root the server runs as the `postgres` user the package creates.
// Without the binaries the command still runs, without the variable: the store suite then says
// loudly that it skips PostgreSQL (and fails under CI=true).
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export function findPgBin() {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(path.join(root, v, "bin", "initdb"))).sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(root, versions[0], "bin") : null;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Starts PostgreSQL; resolves to { url, stop }. */
export async function startPostgres() {
  const bin = findPgBin();
  if (!bin) return null;
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(path.join(os.tmpdir(), "flightboard-pg-"));
  chmodSync(dir, 0o777);
  const data = path.join(dir, "data");
  const wrap = (cmd, args) => (asRoot ? ["runuser", ["-u", "postgres", "--", cmd, ...args]] : [cmd, args]);
  const [c1, a1] = wrap(path.join(bin, "initdb"), ["-D", data, "-U", "flightboard", "--auth=trust", "-E", "UTF8", "--no-sync"]);
  const init = spawnSync(c1, a1, { encoding: "utf8" });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
  const port = await freePort();
  const [c2, a2] = wrap(path.join(bin, "postgres"), ["-D", data, "-p", String(port), "-h", "127.0.0.1", "-k", dir, "-c", "fsync=off", "-c", "max_connections=50"]);
  const server = spawn(c2, a2, { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  server.stderr.on("data", (d) => (log += d));
  const url = `postgres://flightboard@127.0.0.1:${port}/postgres`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, "127.0.0.1", () => (s.end(), resolve(true)));
      s.on("error", () => resolve(false));
    });
    if (ok && /ready to accept connections/.test(log)) break;
    if (server.exitCode !== null || Date.now() > deadline) throw new Error(`postgres did not start: ${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const stop = async () => {
    if (server.exitCode === null) {
      // runuser does not forward signals: stop the postmaster itself, by the pid it recorded.
      const pid = Number(readFileSync(path.join(data, "postmaster.pid"), "utf8").split("\n")[0]);
      process.kill(pid, "SIGINT"); // fast shutdown
      await new Promise((r) => server.once("exit", r));
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return { url, stop };
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname);
if (isMain) {
  const [cmd, ...args] = process.argv.slice(2);
  if (!cmd) {
    console.error("usage: node scripts/with-postgres.mjs <command> [args…]");
    process.exit(2);
  }
  const pg = await startPostgres();
  const env = { ...process.env };
  if (pg) env.FLIGHTBOARD_TEST_PG_URL = pg.url;
  else console.error("with-postgres: no PostgreSQL binaries (apt-get install postgresql); running without FLIGHTBOARD_TEST_PG_URL");
  const child = spawn(cmd, args, { stdio: "inherit", env });
  const code = await new Promise((r) => child.on("exit", (c, sig) => r(c ?? (sig ? 1 : 0))));
  await pg?.stop();
  process.exit(code);
}
