import { request as httpRequest, type IncomingMessage } from "node:http";
import { expect, test } from "@playwright/test";
import { ownDemoServer, startFlightboard } from "./helpers/servers";

/**
 * The production entry point (server/main.ts) as a process: graceful shutdown with open event
 * streams (contract §10), and the security headers on every response, Next's own redirects and
 * malformed paths included (issue #18, item 4).
 */

const SECURITY_HEADERS = ["content-security-policy", "x-content-type-options", "x-frame-options", "referrer-policy"];

function get(base: string, path: string, headers: Record<string, string> = {}): Promise<IncomingMessage & { body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve(Object.assign(res, { body })));
    });
    req.on("error", reject);
    req.end();
  });
}

/** Opens an event stream; resolves once its first `fleet` event arrived. */
function openStream(base: string): Promise<{ ended: Promise<string>; text: () => string }> {
  return new Promise((resolve, reject) => {
    let text = "";
    const req = httpRequest(`${base}/api/v1/events`, (res) => {
      res.setEncoding("utf8");
      let resolved = false;
      const ended = new Promise<string>((done) => {
        res.on("end", () => done("end"));
        res.on("close", () => done("close"));
        res.on("error", () => done("error"));
      });
      res.on("data", (c: string) => {
        text += c;
        if (!resolved && text.includes("event: fleet")) {
          resolved = true;
          resolve({ ended, text: () => text });
        }
      });
    });
    req.on("error", reject);
    req.end();
  });
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

test.describe("production entry point", () => {
  test.describe.configure({ timeout: 180_000 });
  const demo = ownDemoServer(180_000);

  test("security headers on Next's 308 redirects and on malformed paths (400, not 500); no token in a redirect", async () => {
    const slash = await get(demo().baseURL, "/wall/?token=secret-value&x=1");
    expect(slash.statusCode).toBe(308);
    expect(slash.headers.location).not.toContain("secret-value");
    expect(slash.headers.location).toContain("x=1");
    for (const path of ["/environments/%E0%A4%A", "/api/v1/environments/%E0%A4%A", "/%E0%A4%A"]) {
      const r = await get(demo().baseURL, path);
      expect(r.statusCode, path).toBe(400);
      for (const h of SECURITY_HEADERS) expect(r.headers[h], `${h} on ${path}`).toBeTruthy();
    }
    for (const path of ["/wall/", "/api/healthz", "/api/v1/fleet", "/api/readyz", "/nothing-here"]) {
      const r = await get(demo().baseURL, path);
      for (const h of SECURITY_HEADERS) expect(r.headers[h], `${h} on ${path} (${r.statusCode})`).toBeTruthy();
    }
  });

  test("the fleet is gzip-compressed when the client accepts it", async () => {
    const plain = await get(demo().baseURL, "/api/v1/fleet");
    const zipped = await get(demo().baseURL, "/api/v1/fleet", { "accept-encoding": "gzip" });
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(zipped.headers["content-encoding"]).toBe("gzip");
    expect(Number(zipped.headers["content-length"])).toBeLessThan(Buffer.byteLength(plain.body) / 3);
  });

  // Last: it stops the server.
  test("SIGTERM with two open event streams: the streams end and the process group is gone within 10 s", async () => {
    const a = await openStream(demo().baseURL);
    const b = await openStream(demo().baseURL);
    const pgid = demo().pgid();
    const t0 = Date.now();
    process.kill(-pgid, "SIGTERM");
    const ends = await Promise.race([
      Promise.all([a.ended, b.ended]),
      new Promise<null>((r) => setTimeout(() => r(null), 10_000)),
    ]);
    expect(ends, "both streams ended").not.toBeNull();
    // The streams were told when to reconnect, just before they ended.
    expect(a.text().trimEnd().endsWith("retry: 3000")).toBe(true);
    while (groupAlive(pgid) && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 100));
    expect(groupAlive(pgid), "process group gone").toBe(false);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });
});

test.describe("LOG_FORMAT=json", () => {
  test.describe.configure({ timeout: 180_000 });
  test("every line is one JSON object with level, time and msg; request lines carry no token or cookie", async () => {
    const server = await startFlightboard({ env: { LOG_FORMAT: "json", LOG_LEVEL: "debug" } });
    try {
      await get(server.baseURL, "/wall?token=display-secret-value");
      await get(server.baseURL, "/api/v1/fleet?token=display-secret-value", { cookie: "flightboard.session=cookie-secret-value", authorization: "Bearer bearer-secret-value" });
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      await server.stop();
    }
    // The launcher's own lines (build checks) come before the server starts.
    const lines = server.output().split("\n").filter((l) => l.startsWith("{"));
    expect(lines.length).toBeGreaterThan(3);
    for (const l of lines) {
      const o = JSON.parse(l) as Record<string, unknown>;
      expect(typeof o.level, l).toBe("string");
      expect(typeof o.time, l).toBe("string");
      expect(typeof o.msg, l).toBe("string");
    }
    expect(lines.some((l) => l.includes('"path":"/api/v1/fleet?token=…"'))).toBe(true);
    expect(server.output()).not.toMatch(/display-secret-value|cookie-secret-value|bearer-secret-value/);
  });
});
