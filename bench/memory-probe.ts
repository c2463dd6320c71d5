// Where the server's memory goes, without Next.js: the monitor alone against the bench's simulator
// (its own process), after the first full poll cycle and a GC. `--snapshot` also writes a heap
// snapshot and prints the largest object groups by constructor (retained by the monitor's stores).
// Run: node --expose-gc --import tsx bench/memory-probe.ts [environments] [dags] [--snapshot]
import { fork } from "node:child_process";
import path from "node:path";
import { writeHeapSnapshot } from "node:v8";
import { validateConfig } from "../lib/config/load";
import { createConnectorForEnvironment } from "../lib/monitor/connectors";
import { FleetMonitor } from "../lib/monitor/monitor";
import type { SimConfig } from "../sim/index";
import { printHeapGroups } from "./heap-groups";

const [n = 200, m = 500] = process.argv.slice(2).filter((a) => !a.startsWith("--")).map(Number);
const mb = (b: number) => `${Math.round(b / 1048576)} MB`;
const worker = fork(path.resolve(import.meta.dirname, "sim-worker.ts"), [String(n), String(m)], { execArgv: ["--import", "tsx"], stdio: "inherit" });
const ready = await new Promise<{ config: SimConfig; processEnv: Record<string, string> }>((r) => worker.once("message", r as never));
for (const [k, v] of Object.entries(ready.processEnv)) process.env[k] = v;
const config = validateConfig({ ...ready.config, refresh: { health: 10, runs: 20, dags: 60 }, auth: { mode: "disabled" } }, "bench", process.env);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
gc();
const before = process.memoryUsage();
const monitor = new FleetMonitor({ config, createConnector: createConnectorForEnvironment });
monitor.start();
for (;;) {
  await new Promise((r) => setTimeout(r, 500));
  if (monitor.environments().every((env) => env.summary.status !== "unknown" && env.summary.dags && env.summary.runs)) break;
}
await new Promise((r) => setTimeout(r, 2000));
gc();
const after = process.memoryUsage();
console.log(`${n} × ${m}: before monitor rss ${mb(before.rss)} heap ${mb(before.heapUsed)}; after first cycle rss ${mb(after.rss)} heap ${mb(after.heapUsed)} of ${mb(after.heapTotal)} external ${mb(after.external)} arrayBuffers ${mb(after.arrayBuffers)}`);
if (process.argv.includes("--snapshot")) printHeapGroups(writeHeapSnapshot());
monitor.stop();
worker.kill();
process.exit(0);
