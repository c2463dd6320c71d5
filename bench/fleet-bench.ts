// `npm run bench`: the fleet at scale, measured end to end through the production server.
// Starts the simulator with N environments × M DAGs, runs `npm start` against it in its own process
// group, and prints: the first full poll cycle, upstream requests per cycle (by cadence), server RSS,
// /api/v1/fleet latency p50/p99 under 50 concurrent clients, and what history writes (rows per second,
// database growth per environment per day, extrapolated from the steady window).
import { fork, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, openSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import type { SimConfig, SimStats } from "../sim/index";
import { freePort } from "../e2e/helpers/servers";
import Database from "libsql";
import { printHeapGroups } from "./heap-groups";
import { load, merge, percentile, type LoadResult } from "./load";

const { values: args } = parseArgs({
  options: {
    environments: { type: "string", default: "200" },
    dags: { type: "string", default: "500" },
    port: { type: "string", default: "0" },
    clients: { type: "string", default: "50" },
    seconds: { type: "string", default: "20" },
    window: { type: "string", default: "60" },
    rounds: { type: "string", default: "4" },
    /** Also writes heap snapshots of the server (after the first cycle and after the load) and prints their largest groups. */
    snapshot: { type: "boolean", default: false },
  },
});
const N = Number(args.environments);
const M = Number(args.dags);
const PORT = Number(args.port) || (await freePort());
const REFRESH = { health: 10, runs: 20, dags: 60 };
const base = `http://127.0.0.1:${PORT}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function treeRssMb(rootPid: number): number {
  // Sum the RSS of the server process and its descendants (npm start → next start).
  const parents = new Map<number, number>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      parents.set(Number(name), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // process ended
    }
  }
  const tree = new Set([rootPid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of parents) {
      if (tree.has(ppid) && !tree.has(pid)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  let kb = 0;
  for (const pid of tree) {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    } catch {
      // process ended
    }
  }
  return Math.round(kb / 1024);
}

/** The server process itself: the launcher's only child. */
function serverPid(launcherPid: number): number {
  return Number(readFileSync(`/proc/${launcherPid}/task/${launcherPid}/children`, "utf8").trim().split(/\s+/)[0]);
}

/** The RSS of the server process itself. */
function serverRssMb(launcherPid: number): number {
  try {
    return Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${serverPid(launcherPid)}/status`, "utf8"))?.[1] ?? 0) / 1024);
  } catch {
    return NaN;
  }
}

interface HeapFigures {
  usage: NodeJS.MemoryUsage;
  spaces: Record<string, { size: number; used: number }>;
}

/**
 * The server's V8 heap, read through its inspector (bench/inspect-server.mjs): SIGUSR1 opens it on
 * the port --inspect-port=0 picked, which the server prints to its log. Read after the RSS, so the
 * inspector's own memory is not in that figure.
 */
async function serverInspector(launcherPid: number, log: string): Promise<(...args: string[]) => Promise<string>> {
  const before = readFileSync(log, "utf8").length;
  process.kill(serverPid(launcherPid), "SIGUSR1");
  let url: string | undefined;
  for (let i = 0; i < 300 && !url; i++) {
    await sleep(100);
    url = /Debugger listening on (ws:\/\/\S+)/.exec(readFileSync(log, "utf8").slice(before))?.[1];
  }
  if (!url) throw new Error("the server's inspector did not open");
  return (...args: string[]) =>
    new Promise((resolve, reject) => {
      const p = spawn(process.execPath, ["--experimental-websocket", "--no-warnings", path.resolve(import.meta.dirname, "inspect-server.mjs"), url!, ...args], { stdio: ["ignore", "pipe", "inherit"] });
      let out = "";
      p.stdout.on("data", (b: Buffer) => (out += b.toString()));
      p.on("exit", (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`inspect-server.mjs ${args[0]} failed (${code})`))));
    });
}

const mbOf = (b: number) => Math.round(b / 1048576);
function heapLine(h: HeapFigures, live?: HeapFigures): string {
  const s = h.spaces;
  return (
    `V8 heap ${mbOf(h.usage.heapTotal)} MB (used ${mbOf(h.usage.heapUsed)} MB${live ? `, live after a full GC ${mbOf(live.usage.heapUsed)} MB` : ""}; ` +
    `new space ${mbOf(s.new_space?.size ?? 0)} MB, old ${mbOf(s.old_space?.size ?? 0)} MB, large objects ${mbOf(s.large_object_space?.size ?? 0)} MB, code ${mbOf(s.code_space?.size ?? 0)} MB), ` +
    `external ${mbOf(h.usage.external)} MB (array buffers ${mbOf(h.usage.arrayBuffers)} MB)`
  );
}

function nextMessage<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (msg: { type: string }) => {
      if (msg.type !== type) return;
      child.off("message", on);
      resolve(msg as T);
    };
    child.on("message", on);
  });
}

function ask<T>(child: ChildProcess, msg: string, reply: string): Promise<T> {
  const p = nextMessage<T>(child, reply);
  child.send(msg);
  return p;
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const worker = fork(path.resolve(import.meta.dirname, "sim-worker.ts"), [String(N), String(M)], { execArgv: ["--import", "tsx"], stdio: "inherit" });
  const ready = await nextMessage<{ config: SimConfig; processEnv: Record<string, string> }>(worker, "ready");
  const sim = {
    config: ready.config,
    processEnv: ready.processEnv,
    stats: async () => (await ask<{ stats: SimStats }>(worker, "stats", "stats")).stats,
    resetStats: async () => void (await ask(worker, "reset", "reset")),
    close: async () => void worker.kill(),
  };
  console.log(`simulator: ${N} environments × ${M} DAGs started in ${Math.round(performance.now() - t0)} ms (own process)`);
  const dir = mkdtempSync(path.join(tmpdir(), "flightboard-bench-"));
  const configFile = path.join(dir, "flightboard.yaml");
  // The bench measures the monitor and the API, not sign-in: authentication is explicitly off.
  // History goes to the bench's own folder (the default ./data would land in the repository).
  const historyFile = path.join(dir, "history.db");
  writeFileSync(configFile, JSON.stringify({ ...sim.config, refresh: REFRESH, timeoutSeconds: 10, auth: { mode: "disabled" }, storage: { sqlite: { path: historyFile } } }));
  /** Rows and bytes of the history database, read through a second (read-only) connection. */
  const historySize = () => {
    const db = new Database(historyFile, { readonly: true });
    try {
      const one = (q: string) => Number((db.prepare(q).get() as { n: number }).n);
      return { rows: one("select (select count(*) from samples) + (select count(*) from finished_runs) + (select count(*) from incidents) as n"), bytes: one("select page_count * page_size as n from pragma_page_count, pragma_page_size") };
    } finally {
      db.close();
    }
  };

  const server = spawn(process.execPath, ["scripts/start.mjs"], {
    cwd: path.resolve(import.meta.dirname, ".."),
    // --inspect-port=0: the inspector the bench may open later (SIGUSR1) takes a free port.
    env: { ...process.env, ...sim.processEnv, FLIGHTBOARD_CONFIG: configFile, PORT: String(PORT), NEXT_TELEMETRY_DISABLED: "1", NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --inspect-port=127.0.0.1:0`.trim() },
    detached: true,
    stdio: ["ignore", openSync(path.join(dir, "server.log"), "w"), openSync(path.join(dir, "server.log"), "a")],
  });
  const stop = () => {
    try {
      process.kill(-server.pid!, "SIGTERM");
    } catch {
      // already gone
    }
  };
  process.on("exit", stop);
  // Stopped from outside (Ctrl-C, a timeout): the server's process group goes too.
  for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => process.exit(1));
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${base}/api/healthz`)).ok) break;
      } catch {
        // not listening yet
      }
      if (i > 1200 || server.exitCode !== null) throw new Error(`server did not start; see ${path.join(dir, "server.log")}`);
      await sleep(500);
    }
    const tListen = performance.now();
    await sim.resetStats();
    console.log(`server listening (build + start ${Math.round((tListen - t0) / 1000)} s)`);

    // First full poll cycle: every environment has health, its DAG list and 24 h of runs.
    for (;;) {
      const fleet = (await (await fetch(`${base}/api/v1/fleet`)).json()) as { environments: { status: string; dags: unknown; runs: unknown }[] };
      const done = fleet.environments.filter((e) => e.status !== "unknown" && e.dags && e.runs).length;
      if (done === N) break;
      await sleep(250);
    }
    const first = performance.now() - tListen;
    const cold = await sim.stats();
    console.log(`first full poll cycle (health + ${Math.ceil(M / 100)} DAG pages + 24 h run backfill, all ${N} environments): ${(first / 1000).toFixed(1)} s, ${cold.total} upstream requests`);

    // Steady state: count upstream requests by route over a window. Each environment's second poll
    // of a cadence is shifted by its phase (up to half an interval), so the window opens only once
    // every cadence has settled into its rhythm.
    const windowS = Number(args.window);
    const settleMs = windowS > 0 ? 1.5 * REFRESH.dags * 1000 - (performance.now() - tListen) : 0;
    if (settleMs > 0) {
      console.log(`waiting ${(settleMs / 1000).toFixed(0)} s for every cadence to reach its steady rhythm…`);
      await sleep(settleMs);
    }
    await sim.resetStats();
    const tw = performance.now();
    const h0 = historySize();
    await sleep(windowS * 1000);
    const steady = await sim.stats();
    const span = (performance.now() - tw) / 1000;
    const h1 = historySize();
    const perRoute = Object.entries(steady.byRoute).sort((a, b) => b[1] - a[1]);
    console.log(`steady state over ${span.toFixed(0)} s (refresh health ${REFRESH.health} s, runs ${REFRESH.runs} s, dags ${REFRESH.dags} s): ${steady.total} upstream requests`);
    for (const [route, n] of perRoute) console.log(`  ${route.padEnd(40)} ${n}`);
    const healthCalls = perRoute.filter(([r]) => /health$/.test(r)).reduce((a, [, n]) => a + n, 0);
    const runCalls = perRoute.filter(([r]) => /dagRuns$/.test(r)).reduce((a, [, n]) => a + n, 0);
    const dagCalls = perRoute.filter(([r]) => /\/dags$/.test(r)).reduce((a, [, n]) => a + n, 0);
    console.log(`  per health cycle: ${(healthCalls / (span / REFRESH.health)).toFixed(0)} requests (${N} environments)`);
    console.log(`  per runs cycle:   ${(runCalls / (span / REFRESH.runs)).toFixed(0)} requests`);
    // Each DAG-list refresh reads the import errors once (one page here), so those calls count the
    // refreshes in the window; each environment's polls are phase-shifted, so a window of one
    // interval does not hold exactly one refresh per environment.
    const dagRefreshes = perRoute.filter(([r]) => /importErrors$/.test(r)).reduce((a, [, n]) => a + n, 0);
    console.log(
      `  per DAG-list refresh: ${(dagCalls / Math.max(1, dagRefreshes)).toFixed(2)} pages (expected ceil(${M} / 100) = ${Math.ceil(M / 100)}); ` +
        `${dagRefreshes} refreshes, ${dagCalls} pages in the window`,
    );
    console.log(`  runs cycle per environment: ${(runCalls / Math.max(1, N * (span / REFRESH.runs))).toFixed(1)} requests (4 counts + the incremental page; no per-DAG calls)`);
    const rssCycle = { tree: treeRssMb(server.pid!), alone: serverRssMb(server.pid!) };
    const inspect = await serverInspector(server.pid!, path.join(dir, "server.log"));
    const heapCycle = JSON.parse(await inspect("usage")) as HeapFigures;
    console.log(`server RSS after the first cycle and the window: ${rssCycle.alone} MB (with the launcher ${rssCycle.tree} MB); ${heapLine(heapCycle)}`);
    if (args.snapshot) printHeapGroups((JSON.parse(await inspect("snapshot", path.join(dir, "cycle.heapsnapshot"))) as { file: string }).file);
    // Raw rows are pruned after retention.rawHours (48 h); roll-ups add about 1/120 of that per hour.
    const perEnvDayKb = ((h1.bytes - h0.bytes) / span) * 86_400 / N / 1024;
    console.log(
      `history (SQLite): ${((h1.rows - h0.rows) / span).toFixed(1)} rows/s written in batches; database ${(h1.bytes / 1048576).toFixed(1)} MB, ` +
        `growing ${perEnvDayKb.toFixed(0)} kB per environment per day (raw polls and runs, kept 48 h)`,
    );

    // /api/v1/fleet side by side with a bare Node server serving the same bytes: alternating rounds
    // in the same run, so both see the same machine load.
    await sim.resetStats();
    const clients = Number(args.clients);
    const rounds = Number(args.rounds);
    const roundS = Number(args.seconds) / rounds;
    const sample = Buffer.from(await (await fetch(`${base}/api/v1/fleet`)).arrayBuffer());
    const sampleFile = path.join(dir, "fleet.json");
    writeFileSync(sampleFile, sample);
    const bare = spawn(process.execPath, [path.resolve(import.meta.dirname, "bare-server.mjs"), sampleFile], { stdio: ["ignore", "pipe", "inherit"] });
    const barePort = await new Promise<number>((resolve) => bare.stdout!.once("data", (b: Buffer) => resolve((JSON.parse(b.toString()) as { port: number }).port)));
    let bareRss = NaN;
    const ours: LoadResult[] = [];
    const theirs: LoadResult[] = [];
    try {
      for (let i = 0; i < rounds; i++) {
        ours.push(await load(`${base}/api/v1/fleet`, clients, roundS));
        theirs.push(await load(`http://127.0.0.1:${barePort}/api/v1/fleet`, clients, roundS));
      }
      bareRss = treeRssMb(bare.pid!);
    } finally {
      bare.kill();
    }
    const a = merge(ours);
    const b = merge(theirs);
    const line = (name: string, r: LoadResult) =>
      `  ${name.padEnd(22)} ${(r.requests / r.seconds).toFixed(0).padStart(7)} req/s   p50 ${percentile(r.latencies, 50).toFixed(1).padStart(6)} ms   ` +
      `p99 ${percentile(r.latencies, 99).toFixed(1).padStart(6)} ms   errors ${r.errors}   body ${(r.bytes / Math.max(1, r.requests) / 1024).toFixed(0)} kB`;
    console.log(`/api/v1/fleet under ${clients} keep-alive clients, ${rounds} alternating rounds of ${roundS.toFixed(1)} s each, same ${(sample.length / 1024).toFixed(0)} kB body:`);
    console.log(line("flightboard", a));
    console.log(line("bare node http", b));
    console.log(
      `  ratio: throughput ${((a.requests / a.seconds) / (b.requests / b.seconds)).toFixed(2)} × bare (bar ≥ 0.5), ` +
        `p99 ${(percentile(a.latencies, 99) / percentile(b.latencies, 99)).toFixed(2)} × bare (bar ≤ 2); upstream requests meanwhile: ${(await sim.stats()).total} (polling only)`,
    );
    await sleep(2_000);
    const rssLoad = { tree: treeRssMb(server.pid!), alone: serverRssMb(server.pid!) };
    const heapLoad = JSON.parse(await inspect("usage")) as HeapFigures;
    const heapLive = JSON.parse(await inspect("usage", "--gc")) as HeapFigures;
    console.log(`server RSS after load: ${rssLoad.alone} MB (with the launcher ${rssLoad.tree} MB); ${heapLine(heapLoad, heapLive)}; the bare server after the same load: ${bareRss} MB`);
    if (args.snapshot) printHeapGroups((JSON.parse(await inspect("snapshot", path.join(dir, "load.heapsnapshot"))) as { file: string }).file);
    console.log(
      `summary ${N} × ${M}: first cycle ${(first / 1000).toFixed(1)} s; RSS after cycle ${rssCycle.alone} MB, after load ${rssLoad.alone} MB (bar < 400), ` +
        `heap used after load ${mbOf(heapLoad.usage.heapUsed)} MB (live ${mbOf(heapLive.usage.heapUsed)} MB); ` +
        `throughput ${((a.requests / a.seconds) / (b.requests / b.seconds)).toFixed(2)} × bare, p99 ${(percentile(a.latencies, 99) / percentile(b.latencies, 99)).toFixed(2)} × bare`,
    );
  } finally {
    stop();
    await sim.close();
  }
}

// A failure rejects here and exits 1 with its stack; success exits at once (pools and timers may linger).
await main();
process.exit(0);
