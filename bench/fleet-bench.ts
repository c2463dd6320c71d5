// `npm run bench`: the fleet at scale, measured end to end through the production server.
// Starts the simulator with N environments × M DAGs, runs `npm start` against it in its own process
// group, and prints: the first full poll cycle, upstream requests per cycle (by cadence), server RSS,
// and /api/v1/fleet latency p50/p99 under 50 concurrent clients.
import { spawn } from "node:child_process";
import { readFileSync, readdirSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { startSimulator, type SimEnvironmentSpec } from "../sim/index";

const { values: args } = parseArgs({
  options: {
    environments: { type: "string", default: "200" },
    dags: { type: "string", default: "500" },
    port: { type: "string", default: "3199" },
    clients: { type: "string", default: "50" },
    seconds: { type: "string", default: "10" },
    window: { type: "string", default: "60" },
  },
});
const N = Number(args.environments);
const M = Number(args.dags);
const PORT = Number(args.port);
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
    for (const [pid, ppid] of parents) if (tree.has(ppid) && !tree.has(pid)) (tree.add(pid), (grew = true));
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

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const specs: SimEnvironmentSpec[] = Array.from({ length: N }, (_, i) => ({
    id: `bench-${String(i).padStart(3, "0")}`,
    airflowVersion: i % 2 === 0 ? "2.10.5" : "3.1.0",
    scenario: i % 20 === 0 ? "failing-dags" : "healthy",
    dagCount: M,
    tags: { team: ["sales", "marketing", "finance", "platform"][i % 4] },
  }));
  const t0 = performance.now();
  const sim = await startSimulator({ environments: specs });
  console.log(`simulator: ${N} environments × ${M} DAGs started in ${Math.round(performance.now() - t0)} ms`);
  const dir = mkdtempSync(path.join(tmpdir(), "flightboard-bench-"));
  const configFile = path.join(dir, "flightboard.yaml");
  writeFileSync(configFile, JSON.stringify({ ...sim.config, refresh: REFRESH, timeoutSeconds: 10 }));

  const server = spawn(process.execPath, ["scripts/start.mjs"], {
    cwd: path.resolve(import.meta.dirname, ".."),
    env: { ...process.env, ...sim.processEnv, FLIGHTBOARD_CONFIG: configFile, PORT: String(PORT), NEXT_TELEMETRY_DISABLED: "1" },
    detached: true,
    stdio: ["ignore", "ignore", "inherit"],
  });
  const stop = () => {
    try {
      process.kill(-server.pid!, "SIGTERM");
    } catch {
      // already gone
    }
  };
  process.on("exit", stop);
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${base}/api/healthz`)).ok) break;
      } catch {
        // not listening yet
      }
      if (i > 600) throw new Error("server did not start");
      await sleep(500);
    }
    const tListen = performance.now();
    sim.resetStats();
    console.log(`server listening (build + start ${Math.round((tListen - t0) / 1000)} s)`);

    // First full poll cycle: every environment has health, its DAG list and 24 h of runs.
    for (;;) {
      const fleet = (await (await fetch(`${base}/api/v1/fleet`)).json()) as { environments: { status: string; dags: unknown; runs: unknown }[] };
      const done = fleet.environments.filter((e) => e.status !== "unknown" && e.dags && e.runs).length;
      if (done === N) break;
      await sleep(250);
    }
    const first = performance.now() - tListen;
    const cold = sim.stats();
    console.log(`first full poll cycle (health + ${Math.ceil(M / 100)} DAG pages + 24 h run backfill, all ${N} environments): ${(first / 1000).toFixed(1)} s, ${cold.total} upstream requests`);

    // Steady state: count upstream requests by route over a window.
    const windowS = Number(args.window);
    sim.resetStats();
    const tw = performance.now();
    await sleep(windowS * 1000);
    const steady = sim.stats();
    const span = (performance.now() - tw) / 1000;
    const perRoute = Object.entries(steady.byRoute).sort((a, b) => b[1] - a[1]);
    console.log(`steady state over ${span.toFixed(0)} s (refresh health ${REFRESH.health} s, runs ${REFRESH.runs} s, dags ${REFRESH.dags} s): ${steady.total} upstream requests`);
    for (const [route, n] of perRoute) console.log(`  ${route.padEnd(40)} ${n}`);
    const healthCalls = perRoute.filter(([r]) => /health$/.test(r)).reduce((a, [, n]) => a + n, 0);
    const runCalls = perRoute.filter(([r]) => /dagRuns$/.test(r)).reduce((a, [, n]) => a + n, 0);
    const dagCalls = perRoute.filter(([r]) => /\/dags$/.test(r)).reduce((a, [, n]) => a + n, 0);
    console.log(`  per health cycle: ${(healthCalls / (span / REFRESH.health)).toFixed(0)} requests (${N} environments)`);
    console.log(`  per runs cycle:   ${(runCalls / (span / REFRESH.runs)).toFixed(0)} requests`);
    console.log(`  per DAG cycle:    ${(dagCalls / Math.max(1, Math.floor(span / REFRESH.dags))).toFixed(0)} DAG-list pages (expected ${N} × ${Math.ceil(M / 100)} = ${N * Math.ceil(M / 100)})`);
    console.log(`server RSS: ${treeRssMb(server.pid!)} MB`);

    // 50 concurrent clients on /api/v1/fleet.
    sim.resetStats();
    const clients = Number(args.clients);
    const until = performance.now() + Number(args.seconds) * 1000;
    const latencies: number[] = [];
    let bytes = 0;
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (performance.now() < until) {
          const t = performance.now();
          const res = await fetch(`${base}/api/v1/fleet`);
          bytes += (await res.arrayBuffer()).byteLength;
          latencies.push(performance.now() - t);
        }
      }),
    );
    latencies.sort((a, b) => a - b);
    console.log(
      `/api/v1/fleet under ${clients} concurrent clients: ${latencies.length} requests in ${args.seconds} s, ` +
        `p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, ` +
        `body ${(bytes / latencies.length / 1024).toFixed(0)} kB; upstream requests meanwhile: ${sim.stats().total} (polling only)`,
    );
    console.log(`server RSS after load: ${treeRssMb(server.pid!)} MB`);
  } finally {
    stop();
    await sim.close();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
