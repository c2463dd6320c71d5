import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const TSX = join(ROOT, "node_modules", ".bin", "tsx");

describe("npm run simulator (sim/cli.ts)", () => {
  const dir = mkdtempSync(join(tmpdir(), "sim-cli-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes config and secrets, serves the fleet, stops on SIGTERM", async () => {
    const config = join(dir, "fleet.yaml");
    const env = join(dir, "fleet.env");
    const child = spawn(TSX, [join(ROOT, "sim/cli.ts"), "--environments", "4", "--dags", "5", "--scenario", "import-errors", "--write-config", config, "--write-env", env], {
      cwd: dir, detached: true, stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (c) => { out += c; });
    child.stderr.on("data", (c) => { out += c; });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      for (let i = 0; i < 200 && !out.includes("stops the simulator"); i++) await new Promise((r) => setTimeout(r, 50));
      expect(out).toContain("4 environments");
      const cfg = JSON.parse(readFileSync(config, "utf8"));
      expect(cfg.environments).toHaveLength(4);
      const secrets = Object.fromEntries(readFileSync(env, "utf8").trim().split("\n").map((l) => l.split("=")));
      expect(statSync(env).mode & 0o077).toBe(0);
      for (const value of Object.values(secrets)) expect(out).not.toContain(value as string);
      const af2 = cfg.environments.find((e: { airflow: { auth: { type: string } } }) => e.airflow.auth.type === "basic");
      const auth = `Basic ${Buffer.from(`monitor:${secrets[af2.airflow.auth.passwordEnv]}`).toString("base64")}`;
      const r = await fetch(`${af2.airflow.baseUrl}/api/v1/importErrors`, { headers: { authorization: auth } });
      expect((await r.json()).total_entries).toBe(2);
      expect(cfg.environments.some((e: { airflow: { auth: { type: string } } }) => e.airflow.auth.type === "jwt")).toBe(true);
    } finally {
      process.kill(-child.pid!, "SIGTERM");
    }
    expect(await exited).toBe(0);
    expect(out).toContain("SIGTERM: stopping");
  });
});
