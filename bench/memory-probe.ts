// Where the server's memory goes, without Next.js: the monitor alone against the bench's simulator
// (its own process), after the first full poll cycle and a GC. `--snapshot` also writes a heap
// snapshot and prints the largest object groups by constructor (retained by the monitor's stores).
// Run: node --expose-gc --import tsx bench/memory-probe.ts [environments] [dags] [--snapshot]
import { fork } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { writeHeapSnapshot } from "node:v8";
import { validateConfig } from "../lib/config/load";
import { createConnectorForEnvironment } from "../lib/monitor/connectors";
import { FleetMonitor } from "../lib/monitor/monitor";
import type { SimConfig } from "../sim/index";

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
  if (monitor.runtimes().every((rt) => rt.summary.status !== "unknown" && rt.summary.dags && rt.summary.runs)) break;
}
await new Promise((r) => setTimeout(r, 2000));
gc();
const after = process.memoryUsage();
console.log(`${n} × ${m}: before monitor rss ${mb(before.rss)} heap ${mb(before.heapUsed)}; after first cycle rss ${mb(after.rss)} heap ${mb(after.heapUsed)} of ${mb(after.heapTotal)} external ${mb(after.external)} arrayBuffers ${mb(after.arrayBuffers)}`);
if (process.argv.includes("--snapshot")) {
  const file = writeHeapSnapshot();
  const snap = JSON.parse(readFileSync(file, "utf8")) as { snapshot: { meta: { node_fields: string[]; node_types: string[][] } }; nodes: number[]; strings: string[] };
  const f = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = f.length;
  const iType = f.indexOf("type");
  const iName = f.indexOf("name");
  const iSize = f.indexOf("self_size");
  const groups = new Map<string, { count: number; bytes: number }>();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + iType]];
    const key = type === "object" || type === "closure" ? `${type}:${snap.strings[snap.nodes[i + iName]]}` : type;
    const g = groups.get(key) ?? { count: 0, bytes: 0 };
    g.count += 1;
    g.bytes += snap.nodes[i + iSize];
    groups.set(key, g);
  }
  for (const [k, g] of [...groups].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, 25)) console.log(`  ${k.padEnd(50)} ${String(g.count).padStart(9)} ${mb(g.bytes)}`);
}
monitor.stop();
worker.kill();
process.exit(0);
