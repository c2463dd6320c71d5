import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "@playwright/test";
import { freePort, startSimulatedFleet, type SimulatedFleet } from "./helpers/servers";

/**
 * No container engine runs here, so this test runs what the image runs: the Dockerfile's runtime
 * stage laid out in a temporary folder (package.json, node_modules, .next without its cache,
 * dist/server.mjs — no sources, no TypeScript loader), started with the image's command, settings and
 * HEALTHCHECK, against a simulated fleet; then stopped the way `docker stop` does (SIGTERM).
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dockerfile = readFileSync(path.join(ROOT, "Dockerfile"), "utf8");

test.describe.configure({ timeout: 240_000 });

let fleet: SimulatedFleet;
test.beforeAll(async () => {
  test.setTimeout(120_000);
  fleet = await startSimulatedFleet(3);
  // `npm start` bundles the entry point; make sure dist/ is current without building Next again.
  expect(spawnSync(process.execPath, [path.join(ROOT, "scripts", "build-server.mjs")], { cwd: ROOT }).status).toBe(0);
});
test.afterAll(async () => {
  await fleet?.stop();
});

test("the image's command serves from the runtime layout, passes its HEALTHCHECK, gets ready, and stops on SIGTERM with exit 0", async () => {
  const app = mkdtempSync(path.join(tmpdir(), "flightboard-image-"));
  try {
    cpSync(path.join(ROOT, "package.json"), path.join(app, "package.json"));
    symlinkSync(path.join(ROOT, "node_modules"), path.join(app, "node_modules"));
    cpSync(path.join(ROOT, ".next"), path.join(app, ".next"), { recursive: true, filter: (src) => !src.includes(`${path.sep}.next${path.sep}cache`) });
    cpSync(path.join(ROOT, "dist"), path.join(app, "dist"), { recursive: true });
    for (const f of ["next.config.js", "server/security-headers.mjs"]) {
      expect(dockerfile, `the image copies ${f}`).toContain(`./${f}`);
      mkdirSync(path.dirname(path.join(app, f)), { recursive: true });
      cpSync(path.join(ROOT, f), path.join(app, f));
    }
    mkdirSync(path.join(app, "data"));

    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)![1]) as string[];
    expect(cmd[0]).toBe("node");
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, ...fleet.env, NODE_ENV: "production" as const, NEXT_TELEMETRY_DISABLED: "1", HOSTNAME: "127.0.0.1", PORT: String(port), FLIGHTBOARD_CONFIG: fleet.configFile, LOG_FORMAT: "json" };
    const child = spawn(process.execPath, cmd.slice(1), { cwd: app, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout!.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr!.on("data", (b: Buffer) => (out += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      const base = `http://127.0.0.1:${port}`;
      await expect.poll(async () => (await fetch(`${base}/api/healthz`).catch(() => null))?.status ?? 0, { timeout: 90_000, message: out }).toBe(200);
      // The image's HEALTHCHECK command, run as Docker would.
      const hc = JSON.parse(/HEALTHCHECK [^\n]*\\\n\s*CMD (\[.*\])$/m.exec(dockerfile)![1]) as string[];
      expect(spawnSync(process.execPath, hc.slice(1), { env }).status).toBe(0);
      await expect.poll(async () => (await fetch(`${base}/api/readyz`)).status, { timeout: 60_000 }).toBe(200);
      const fleetBody = (await (await fetch(`${base}/api/v1/fleet`)).json()) as { environments: unknown[] };
      expect(fleetBody.environments.length).toBe(3);
      const page = await fetch(`${base}/`);
      expect(page.status).toBe(200);
      const t0 = Date.now();
      process.kill(child.pid!, "SIGTERM");
      expect(await exited).toBe(0);
      expect(Date.now() - t0).toBeLessThan(10_000);
      for (const line of out.split("\n").filter(Boolean)) expect(() => JSON.parse(line), line).not.toThrow();
    } finally {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // gone
      }
    }
  } finally {
    rmSync(app, { recursive: true, force: true });
  }
});
