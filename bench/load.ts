// The bench's load generator: `clients` keep-alive HTTP/1.1 connections, each sending the next GET as
// soon as the previous answer arrived, for `seconds`. node:http with its own agent (fetch's
// per-request overhead would measure the client rather than the server).
import { Agent, request } from "node:http";

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  bytes: number;
  latencies: number[];
}

export async function load(url: string, clients: number, seconds: number): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const latencies: number[] = [];
  let errors = 0;
  let bytes = 0;
  const t0 = performance.now();
  const until = t0 + seconds * 1000;
  const once = () =>
    new Promise<void>((resolve) => {
      const t = performance.now();
      const req = request(url, { agent }, (res) => {
        res.on("data", (c: Buffer) => (bytes += c.length));
        res.on("end", () => {
          if (res.statusCode === 200) latencies.push(performance.now() - t);
          else errors += 1;
          resolve();
        });
        res.on("error", () => {
          errors += 1;
          resolve();
        });
      });
      req.on("error", () => {
        errors += 1;
        resolve();
      });
      req.end();
    });
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < until) await once();
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  agent.destroy();
  return { requests: latencies.length, errors, seconds: elapsed, bytes, latencies: latencies.sort((a, b) => a - b) };
}

export function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Several rounds merged into one result (alternating rounds of two servers are compared as sums). */
export function merge(results: LoadResult[]): LoadResult {
  return {
    requests: results.reduce((a, r) => a + r.requests, 0),
    errors: results.reduce((a, r) => a + r.errors, 0),
    seconds: results.reduce((a, r) => a + r.seconds, 0),
    bytes: results.reduce((a, r) => a + r.bytes, 0),
    latencies: results.flatMap((r) => r.latencies).sort((a, b) => a - b),
  };
}
