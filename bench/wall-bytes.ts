// Bytes a wall screen receives per hour from the event stream, with and without gzip, measured on the
// wire (response bodies as sent) against the demo fleet, both streams open side by side.
// Run: npx tsx bench/wall-bytes.ts [--seconds 120]
import { spawn } from "node:child_process";
import { request } from "node:http";
import path from "node:path";
import { parseArgs } from "node:util";
import { freePort } from "../e2e/helpers/servers";

const { values: args } = parseArgs({ options: { seconds: { type: "string", default: "120" } } });
const seconds = Number(args.seconds);
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const server = spawn(process.execPath, ["scripts/start.mjs"], {
  cwd: path.resolve(import.meta.dirname, ".."),
  env: { ...process.env, PORT: String(port), FLIGHTBOARD_CONFIG: "", NEXT_TELEMETRY_DISABLED: "1" },
  detached: true,
  stdio: "ignore",
});
const stop = () => {
  try {
    process.kill(-server.pid!, "SIGTERM");
  } catch {
    // gone
  }
};
process.on("exit", stop);
for (let i = 0; ; i++) {
  if ((await fetch(`${base}/api/readyz`).catch(() => null))?.ok) break;
  if (i > 400) throw new Error("server did not get ready");
  await new Promise((r) => setTimeout(r, 500));
}
function stream(query: string, gzip: boolean): { bytes: () => number; close: () => void } {
  let bytes = 0;
  const req = request(`${base}/api/v1/events${query}`, { headers: gzip ? { "accept-encoding": "gzip" } : {} }, (res) => res.on("data", (c: Buffer) => (bytes += c.length)));
  req.on("error", () => {});
  req.end();
  return { bytes: () => bytes, close: () => req.destroy() };
}
const cases = [
  ["whole fleet per change (contract §4)", "", false],
  ["whole fleet per change, gzip", "", true],
  ["?changes=1 (Flightboard's own wall)", "?changes=1", false],
  ["?changes=1, gzip", "?changes=1", true],
] as const;
const open = cases.map(([, q, gz]) => stream(q, gz));
await new Promise((r) => setTimeout(r, seconds * 1000));
console.log(`event stream bytes per hour, demo fleet (22 environments), measured over ${seconds} s:`);
cases.forEach(([name], i) => console.log(`  ${name.padEnd(40)} ${((open[i].bytes() * 3600) / seconds / 1048576).toFixed(1)} MB/h`));
open.forEach((s) => s.close());
stop();
process.exit(0);
