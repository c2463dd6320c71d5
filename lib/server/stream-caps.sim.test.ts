import { createServer, get, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as eventsGET } from "@/app/api/v1/events/route";
import { displayToken, identity } from "@/lib/auth/testing/fixtures";
import { startMonitoredSim, type MonitoredSim } from "@/lib/testing/monitored-sim";
import { hotPath } from "@/server/hot-paths";
import type { FleetRuntime } from "./fleet";
import { acquireStreamSlot, openStreams, STREAM_CAPS, type StreamSlot } from "./stream-caps";

/**
 * Event streams per credential: the caps themselves, and both paths that serve /api/v1/events (the
 * production entry point's raw hot path over real HTTP, and the Next.js route handler) refusing the
 * stream past the cap with a 429 and taking the next one once a stream closes.
 */

let ms: MonitoredSim;
let server: Server;
let base: string;

beforeAll(async () => {
  ms = await startMonitoredSim([{ id: "one", airflowVersion: "3.1.0", scenario: "healthy" }]);
  const runtime: FleetRuntime = { monitor: ms.monitor, config: ms.config, demo: false, close: async () => ms.monitor.stop() };
  (globalThis as { __flightboard?: Promise<FleetRuntime> }).__flightboard = Promise.resolve(runtime);
  server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    void hotPath(req, res, url.pathname, url.search, () => runtime).then((done) => {
      if (!done) res.writeHead(404).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  server?.closeAllConnections();
  server?.close();
  await ms?.close();
  delete (globalThis as { __flightboard?: unknown }).__flightboard;
});

/** Opens a stream and resolves once its status line is in (the body keeps streaming). */
function openStream(path: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => get(`${base}${path}`, resolve).on("error", reject));
}

async function body(res: IncomingMessage): Promise<string> {
  let text = "";
  for await (const chunk of res) text += String(chunk);
  return text;
}

describe("stream caps", () => {
  it("count per person, per display token, per address with authentication off; release once", () => {
    const person = { kind: "user" as const, role: "viewer" as const, identity: identity() };
    const slots: StreamSlot[] = [];
    for (let i = 0; i < STREAM_CAPS.person; i++) slots.push(acquireStreamSlot(person, "10.0.0.1") as StreamSlot);
    const refused = acquireStreamSlot(person, "10.0.0.2");
    expect(refused).toBeInstanceOf(Response);
    expect((refused as Response).status).toBe(429);
    expect((refused as Response).headers.get("retry-after")).toBe("10");
    // Another person is not affected; neither is a display token.
    expect(acquireStreamSlot({ ...person, identity: identity({ sub: "u2" }) }, null)).not.toBeInstanceOf(Response);
    const wall = { kind: "display" as const, token: displayToken("lobby", "x") };
    for (let i = 0; i < STREAM_CAPS.display; i++) expect(acquireStreamSlot(wall, null)).not.toBeInstanceOf(Response);
    expect(acquireStreamSlot(wall, null)).toBeInstanceOf(Response);
    slots[0].release();
    slots[0].release();
    expect(openStreams().get("person:oidc:u1")).toBe(STREAM_CAPS.person - 1);
    expect(acquireStreamSlot(person, null)).not.toBeInstanceOf(Response);
    expect(acquireStreamSlot(person, null)).toBeInstanceOf(Response);
  });

  it("the production hot path answers 429 past the cap and takes a new stream once one closes", async () => {
    const open: IncomingMessage[] = [];
    for (let i = 0; i < STREAM_CAPS.address; i++) {
      const res = await openStream(i % 2 ? "/api/v1/events?changes=1" : "/api/v1/events");
      expect(res.statusCode).toBe(200);
      open.push(res);
    }
    const refused = await openStream("/api/v1/events");
    expect(refused.statusCode).toBe(429);
    expect(refused.headers["retry-after"]).toBe("10");
    expect(JSON.parse(await body(refused))).toEqual({ error: { code: "throttled", message: expect.stringMatching(/too many open event streams.*at most 20/) } });
    open.pop()!.destroy();
    let again: IncomingMessage | null = null;
    for (let i = 0; i < 50 && again?.statusCode !== 200; i++) {
      again?.destroy();
      await new Promise((r) => setTimeout(r, 20));
      again = await openStream("/api/v1/events");
    }
    expect(again?.statusCode).toBe(200);
    for (const res of [...open, again!]) res.destroy();
    for (let i = 0; i < 50 && [...openStreams().keys()].some((k) => k.startsWith("address:127.0.0.1")); i++) await new Promise((r) => setTimeout(r, 20));
    expect([...openStreams().keys()].filter((k) => k.startsWith("address:127.0.0.1"))).toEqual([]);
  });

  it("the Next.js route handler applies the same cap", async () => {
    const aborts: AbortController[] = [];
    for (let i = 0; i < STREAM_CAPS.address; i++) {
      const c = new AbortController();
      aborts.push(c);
      expect((await eventsGET(new Request("http://localhost/api/v1/events", { signal: c.signal }))).status).toBe(200);
    }
    const refused = await eventsGET(new Request("http://localhost/api/v1/events"));
    expect(refused.status).toBe(429);
    aborts.pop()!.abort();
    const c = new AbortController();
    expect((await eventsGET(new Request("http://localhost/api/v1/events", { signal: c.signal }))).status).toBe(200);
    for (const a of [...aborts, c]) a.abort();
    expect(openStreams().get("address:unknown")).toBeUndefined();
  });
});
