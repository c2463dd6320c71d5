// Reads a running server's memory through its inspector (Chrome DevTools Protocol over a WebSocket;
// Node 20 needs --experimental-websocket), so the bench can print the V8 heap beside the RSS without
// any code for it in the server. The bench activates the inspector with SIGUSR1 (port chosen by the
// server's --inspect-port=0) and runs this with the `ws://…` address it printed.
//   node --experimental-websocket bench/inspect-server.mjs <ws-url> usage [--gc]
//   node --experimental-websocket bench/inspect-server.mjs <ws-url> snapshot <file>
// `usage` prints one JSON line: process.memoryUsage() and the heap spaces (after a full GC with --gc).
import { createWriteStream } from "node:fs";

const [url, what, arg] = process.argv.slice(2);
const ws = new WebSocket(url);
let next = 1;
const waiting = new Map();
const events = new Map();
ws.onmessage = (m) => {
  const msg = JSON.parse(String(m.data));
  if (msg.id && waiting.has(msg.id)) {
    const { resolve, reject } = waiting.get(msg.id);
    waiting.delete(msg.id);
    if (msg.error) reject(new Error(msg.error.message));
    else resolve(msg.result);
  } else if (msg.method) events.get(msg.method)?.(msg.params);
};
const send = (method, params = {}) =>
  new Promise((resolve, reject) => {
    const id = next++;
    waiting.set(id, { resolve, reject });
    ws.send(JSON.stringify({ id, method, params }));
  });
await new Promise((resolve, reject) => {
  ws.onopen = resolve;
  ws.onerror = () => reject(new Error(`cannot reach the inspector at ${url}`));
});

if (what === "usage") {
  if (arg === "--gc") await send("HeapProfiler.collectGarbage");
    // The evaluated text runs in the server's global scope: no import there, getBuiltinModule (Node ≥ 20.16).
  const expression = `JSON.stringify({ usage: process.memoryUsage(), spaces: Object.fromEntries(process.getBuiltinModule("node:v8").getHeapSpaceStatistics().map((s) => [s.space_name, { size: s.space_size, used: s.space_used_size }])) })`;
  const r = await send("Runtime.evaluate", { expression, returnByValue: true });
  if (r.exceptionDetails) throw new Error(r.exceptionDetails.exception?.description ?? "evaluate failed");
  console.log(r.result.value);
} else if (what === "snapshot") {
  const out = createWriteStream(arg);
  events.set("HeapProfiler.addHeapSnapshotChunk", (p) => out.write(p.chunk));
  await send("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
  await new Promise((resolve) => out.end(resolve));
  console.log(JSON.stringify({ file: arg }));
} else throw new Error(`unknown request ${what}`);
ws.close();
process.exit(0);
