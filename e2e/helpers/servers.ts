import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "@playwright/test";

/**
 * Servers that a spec starts and stops itself (the Playwright webServer serves the demo fleet for
 * everything else): a Flightboard server it can stop and start again (outage tests), and a
 * simulator with many environments plus the Flightboard that watches it (300-environment tests).
 * Each runs in its own process group, on loopback, and is stopped by killing that group.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** A free loopback port (the OS picks it; we release it just before the server binds it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

interface Proc {
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

function startGroup(args: string[], env: NodeJS.ProcessEnv): Proc {
  const child = spawn(process.execPath, args, { cwd: ROOT, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const keep = (b: Buffer) => {
    out = (out + b.toString()).slice(-20_000);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    child,
    output: () => out,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const kill = (sig: NodeJS.Signals) => {
        try {
          process.kill(-child.pid!, sig);
        } catch {
          // the group is gone already
        }
      };
      kill("SIGTERM");
      const t = setTimeout(() => kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(t);
    },
  };
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string, proc: Proc): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) throw new Error(`${what}: the process exited (${proc.child.exitCode}):\n${proc.output()}`);
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  await proc.stop();
  throw new Error(`${what}: not ready after ${timeoutMs} ms:\n${proc.output()}`);
}

export interface FlightboardServer {
  baseURL: string;
  port: number;
  /** Stops the server (its whole process group). */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same settings. */
  restart(): Promise<void>;
  /** The process group of the running server (the launcher's pid), for signal tests. */
  pgid(): number;
  /** The last 20 kB the server wrote (stdout and stderr). */
  output(): string;
}

/**
 * Starts `npm start` (scripts/start.mjs) without building (the suite's webServer built already) on
 * `port` (default: a free one). No `configFile` = demo mode.
 */
export async function startFlightboard(opts: { port?: number; configFile?: string; env?: Record<string, string> } = {}): Promise<FlightboardServer> {
  const port = opts.port ?? (await freePort());
  const baseURL = `http://127.0.0.1:${port}`;
  const env = { ...process.env, ...opts.env, PORT: String(port), FLIGHTBOARD_CONFIG: opts.configFile ?? "", FLIGHTBOARD_SKIP_BUILD: "1", NEXT_TELEMETRY_DISABLED: "1" };
  let proc: Proc | null = null;
  const start = async () => {
    proc = startGroup([path.join(ROOT, "scripts", "start.mjs")], env);
    const p = proc;
    await waitFor(async () => (await fetch(`${baseURL}/api/healthz`)).ok, 90_000, `flightboard on ${port}`, p);
  };
  await start();
  return {
    baseURL,
    port,
    stop: async () => {
      await proc?.stop();
    },
    restart: async () => {
      await proc?.stop();
      await start();
    },
    pgid: () => (proc as Proc | null)!.child.pid!,
    output: () => (proc as Proc | null)?.output() ?? "",
  };
}

/**
 * A demo-mode server of the spec's (or describe block's) own, for tests that stop it or look at the
 * process itself: started before its tests (within `startTimeoutMs`), stopped after them. Returns
 * the running server.
 */
export function ownDemoServer(startTimeoutMs: number): () => FlightboardServer {
  let server: FlightboardServer | undefined;
  test.beforeAll(async () => {
    test.setTimeout(startTimeoutMs);
    server = await startFlightboard();
  });
  test.afterAll(async () => {
    await server?.stop();
  });
  return () => server!;
}

export interface SimulatedFleet {
  configFile: string;
  /** The secrets the written config refers to, for the Flightboard process. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** Runs the simulator CLI with `environments` generated environments and waits for its config. */
export async function startSimulatedFleet(environments: number, extraArgs: string[] = []): Promise<SimulatedFleet> {
  const dir = mkdtempSync(path.join(tmpdir(), "flightboard-e2e-"));
  const configFile = path.join(dir, "fleet.json");
  const envFile = path.join(dir, "fleet.env");
  const proc = startGroup(
    ["--import", "tsx", path.join(ROOT, "sim", "cli.ts"), "--environments", String(environments), "--write-config", configFile, "--write-env", envFile, ...extraArgs],
    { ...process.env },
  );
  await waitFor(async () => existsSync(envFile) && proc.output().includes("Ctrl-C stops"), 60_000, `simulator with ${environments} environments`, proc);
  // A config file turns sign-in on by default; these tests look at the board, not at sign-in.
  const config = JSON.parse(readFileSync(configFile, "utf8")) as Record<string, unknown>;
  config.auth ??= { mode: "disabled" };
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  const env: Record<string, string> = {};
  for (const line of readFileSync(envFile, "utf8").split("\n")) {
    const i = line.indexOf("=");
    if (i > 0) env[line.slice(0, i)] = line.slice(i + 1);
  }
  return {
    configFile,
    env,
    stop: async () => {
      await proc.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
