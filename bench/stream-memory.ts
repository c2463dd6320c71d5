/**
 * Memory per open event stream on the production hot path (issue 18, item 6): a fleet of simulated
 * environments, a raw Node server answering /api/v1/events as server/main.ts does, and N clients in a
 * child process (so their memory is not counted), spread over loopback addresses to stay under the
 * per-address cap. Prints the server's RSS and heap growth per stream for each kind of stream.
 *   node --expose-gc --conditions=react-server --import tsx bench/stream-memory.ts [streams=200] [environments=22]
 * (`react-server`: so `server-only` resolves to its empty module, as under Next and in the bundle).
 */
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { startMonitoredSim } from "@/lib/testing/monitored-sim";
import type { FleetRuntime } from "@/lib/server/fleet";
import { STREAM_CAPS } from "@/lib/server/stream-caps";
import { hotPath } from "@/server/hot-paths";

const N = Number(process.argv[2] ?? 200);
const ENVS = Number(process.argv[3] ?? 22);

const CLIENT = `
const http = require("node:http");
const [base, n, path, gzip, perAddress] = process.argv.slice(1);
let ready = 0;
const reqs = [];
for (let i = 0; i < Number(n); i++) {
  const localAddress = "127.0.1." + (1 + Math.floor(i / Number(perAddress)));
  const req = http.get(base + path, { localAddress, agent: false, headers: gzip === "1" ? { "accept-encoding": "gzip" } : {} }, (res) => {
    if (res.statusCode !== 200) { console.error("status", res.statusCode); process.exit(1); }
    let first = true;
    res.on("data", () => { if (first) { first = false; if (++ready === Number(n)) process.send("ready"); } });
  });
  reqs.push(req);
}
process.on("message", () => { for (const r of reqs) r.destroy(); setTimeout(() => process.exit(0), 200); });
`;

function gcAndMeasure(): { rss: number; heap: number; external: number } {
  (globalThis as { gc?: () => void }).gc?.();
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed, external: m.external + m.arrayBuffers };
}

async function run(base: string, path: string, gzip: boolean, quiet = false): Promise<void> {
  await new Promise((r) => setTimeout(r, 500));
  const before = gcAndMeasure();
  const child = spawn(process.execPath, ["-e", CLIENT, base, String(N), path, gzip ? "1" : "0", String(STREAM_CAPS.address)], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  await new Promise<void>((resolve, reject) => {
    child.on("message", () => resolve());
    child.on("exit", (code) => (code ? reject(new Error(`client exited ${code}`)) : undefined));
  });
  await new Promise((r) => setTimeout(r, 1000));
  const after = gcAndMeasure();
  const kb = (b: number) => (b / N / 1024).toFixed(1);
  if (!quiet) console.log(`${path}${gzip ? " (gzip)" : ""}: ${N} streams: rss +${kb(after.rss - before.rss)} kB, heap +${kb(after.heap - before.heap)} kB, external +${kb(after.external - before.external)} kB per stream`);
  child.send("close");
  await new Promise((r) => child.on("exit", r));
}

const ms = await startMonitoredSim(Array.from({ length: ENVS }, (_, i) => ({ id: `env-${i}`, airflowVersion: i % 2 ? "3.1.0" : "2.10.5", scenario: "healthy" as const })));
const runtime: FleetRuntime = { monitor: ms.monitor, config: ms.config, demo: false, close: async () => ms.monitor.stop() };
(globalThis as { __flightboard?: Promise<FleetRuntime> }).__flightboard = Promise.resolve(runtime);
const server = createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://x");
  void hotPath(req, res, url.pathname, url.search, () => runtime).then((done) => {
    if (!done) res.writeHead(404).end();
  });
});
server.maxConnections = 10_000;
await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
// A first round unmeasured: the server's first streams also pay for code warming up and heap growth.
await run(base, "/api/v1/events?changes=1", true, true);
for (const [path, gzip] of [["/api/v1/events?changes=1", false], ["/api/v1/events", false], ["/api/v1/events?changes=1", true], ["/api/v1/events", true]] as const) {
  await run(base, path, gzip);
}
server.closeAllConnections();
server.close();
await ms.close();
process.exit(0);
