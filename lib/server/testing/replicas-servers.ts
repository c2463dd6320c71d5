// Several Flightboard replicas as real production servers (dist/server.mjs: the hot paths, Next.js,
// graceful shutdown) on loopback, for the replicas' process tests: a PostgreSQL the test can stop and
// start again on the same port, a round-robin load balancer, and helpers to wait and to read cookies.
// Needs a production build (`npm run build`); each server runs in its own process group.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import net, { type AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { until } from "./wait";
// @ts-expect-error -- a plain ES module script without types
import { findPgBin } from "../../../scripts/with-postgres.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

export { sleep, until } from "./wait";

export function hasProductionBuild(): boolean {
  return existsSync(path.join(ROOT, ".next", "BUILD_ID"));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** A throwaway PostgreSQL (Debian's binaries) that can be stopped and started again on the same port and data. */
export interface TestPostgres {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  drop(): Promise<void>;
}

export async function restartablePostgres(): Promise<TestPostgres | null> {
  const bin = findPgBin() as string | null;
  if (!bin) return null;
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(path.join(os.tmpdir(), "flightboard-pg-replicas-"));
  chmodSync(dir, 0o777);
  const data = path.join(dir, "data");
  const wrap = (cmd: string, args: string[]): [string, string[]] => (asRoot ? ["runuser", ["-u", "postgres", "--", cmd, ...args]] : [cmd, args]);
  const [c1, a1] = wrap(path.join(bin, "initdb"), ["-D", data, "-U", "flightboard", "--auth=trust", "-E", "UTF8", "--no-sync"]);
  const init = spawnSync(c1, a1, { encoding: "utf8" });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
  const port = await freePort();
  let server: ChildProcess | null = null;
  const start = async () => {
    const [c2, a2] = wrap(path.join(bin, "postgres"), ["-D", data, "-p", String(port), "-h", "127.0.0.1", "-k", dir, "-c", "fsync=off", "-c", "max_connections=60"]);
    const child = spawn(c2, a2, { stdio: ["ignore", "ignore", "pipe"] });
    server = child;
    let log = "";
    child.stderr!.on("data", (d: Buffer) => (log += d.toString()));
    await until(
      "postgres to accept connections",
      async () => {
        if (child.exitCode !== null) throw new Error(`postgres exited: ${log}`);
        const ok = await new Promise<boolean>((r) => {
          const s = net.connect(port, "127.0.0.1", () => (s.end(), r(true)));
          s.on("error", () => r(false));
        });
        return ok && /ready to accept connections/.test(log);
      },
      30_000,
      100,
    );
  };
  const stop = async () => {
    const child = server;
    server = null;
    if (!child || child.exitCode !== null) return;
    // runuser does not forward signals: stop the postmaster itself (fast shutdown: clients are cut off).
    const pid = Number(readFileSync(path.join(data, "postmaster.pid"), "utf8").split("\n")[0]);
    process.kill(pid, "SIGINT");
    await new Promise((r) => child.once("exit", r));
  };
  await start();
  return {
    url: `postgres://flightboard@127.0.0.1:${port}/postgres`,
    stop,
    start,
    drop: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let bundled = false;

/** Bundles server/main.ts into dist/server.mjs once per test file, as `npm start` does before it runs it. */
function bundleServer(): void {
  if (bundled) return;
  const r = spawnSync(process.execPath, [path.join(ROOT, "scripts", "build-server.mjs")], { cwd: ROOT, stdio: "inherit" });
  if (r.status !== 0) throw new Error("scripts/build-server.mjs failed");
  bundled = true;
}

/** Writes `raw` (with PostgreSQL storage from FB_DATABASE_URL) as the configuration file of a new folder. */
export function writeReplicaConfig(prefix: string, raw: Record<string, unknown>): { dir: string; file: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  const file = path.join(dir, "flightboard.yaml");
  writeFileSync(file, JSON.stringify({ ...raw, storage: { postgres: { urlEnv: "FB_DATABASE_URL" } } }, null, 2));
  return { dir, file };
}

/** Starts `n` more replicas, one after the other: three Next.js start-ups at once on two shared cores only take longer. */
export async function startReplicas(servers: ReplicaServer[], env: NodeJS.ProcessEnv, n: number): Promise<void> {
  bundleServer();
  for (let i = 0; i < n; i++) servers.push(await startReplicaServer(env));
}

/** A process test's teardown: its servers, then what else it started (in order), then its folder. */
export async function tearDownReplicas(servers: ReplicaServer[], others: (() => Promise<unknown> | undefined)[], dir?: string): Promise<void> {
  for (const s of servers) await s.stop().catch(() => {});
  for (const close of others) await close();
  if (dir) rmSync(dir, { recursive: true, force: true });
}

export interface ReplicaServer {
  url: string;
  child: ChildProcess;
  output(): string;
  alive(): boolean;
  /** `kill -9` of the whole process group: no goodbye, no lease release. */
  kill9(): void;
  /** SIGTERM, then SIGKILL after 5 s. */
  stop(): Promise<void>;
}

/** Starts the production entry point on a free loopback port; resolves once /api/healthz answers. */
export async function startReplicaServer(env: NodeJS.ProcessEnv): Promise<ReplicaServer> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(ROOT, "dist", "server.mjs")], {
    cwd: ROOT,
    env: { ...env, PORT: String(port), HOSTNAME: "127.0.0.1", NEXT_TELEMETRY_DISABLED: "1" },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const keep = (b: Buffer) => (out = (out + b.toString()).slice(-40_000));
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const group = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      // the group is gone already
    }
  };
  const url = `http://127.0.0.1:${port}`;
  await until(
    `replica on ${port} to answer /api/healthz`,
    async () => {
      if (child.exitCode !== null) throw new Error(`replica exited (${child.exitCode}):\n${out}`);
      return (await fetch(`${url}/api/healthz`)).ok;
    },
    120_000,
    200,
  ).catch((e: unknown) => {
    group("SIGKILL");
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n${out}`);
  });
  return {
    url,
    child,
    output: () => out,
    alive: () => child.exitCode === null && child.signalCode === null,
    kill9: () => group("SIGKILL"),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      group("SIGTERM");
      const t = setTimeout(() => group("SIGKILL"), 5_000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** `/api/readyz` of one replica: its role when ready, else why not (null when it does not answer). */
export async function readyz(url: string): Promise<{ status: number; role?: string; why?: string } | null> {
  try {
    const r = await fetch(`${url}/api/readyz`, { signal: AbortSignal.timeout(3_000) });
    return { status: r.status, ...((await r.json()) as { role?: string; why?: string }) };
  } catch {
    return null;
  }
}

/** A round-robin HTTP load balancer on loopback, no stickiness: each request may reach another replica. */
export async function balancer(targets: () => string[]): Promise<{ url: string; hits: number[]; close(): Promise<void> }> {
  let next = 0;
  const hits: number[] = [];
  const server: Server = createServer((req, res) => {
    const list = targets();
    const i = next++ % list.length;
    hits[i] = (hits[i] ?? 0) + 1;
    const target = new URL(list[i]);
    const up = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on("error", () => (res.headersSent ? res.destroy() : res.writeHead(502).end()));
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

/** A cookie jar for one origin (names and values only: what a browser would send back). */
export class Jar {
  readonly cookies = new Map<string, string>();
  take(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(";");
      const i = pair.indexOf("=");
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === "";
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
}

/** Follows redirects by hand, keeping a jar per origin; returns the last response and its URL. */
export async function browse(url: string, jars: Map<string, Jar>, init: RequestInit = {}, maxHops = 12): Promise<{ res: Response; url: string }> {
  let current = url;
  let opts: RequestInit = init;
  for (let hop = 0; hop < maxHops; hop++) {
    const origin = new URL(current).origin;
    const jar = jars.get(origin) ?? jars.set(origin, new Jar()).get(origin)!;
    const headers = new Headers(opts.headers);
    if (jar.cookies.size) headers.set("cookie", jar.header());
    const res = await fetch(current, { ...opts, headers, redirect: "manual" });
    jar.take(res);
    const loc = res.headers.get("location");
    if (res.status < 300 || res.status >= 400 || !loc) return { res, url: current };
    await res.arrayBuffer();
    current = new URL(loc, current).toString();
    opts = {};
  }
  throw new Error(`too many redirects from ${url}`);
}
