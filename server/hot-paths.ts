import type { IncomingMessage, ServerResponse } from "node:http";
import { gzip as gzipCb, createGzip, constants as zlibConstants } from "node:zlib";
import { promisify } from "node:util";
import { apiAccess, visibilityFilter, type HeaderSource } from "@/lib/server/access";
import { apiError, BadRequest, parseFleetFilter } from "@/lib/server/api";
import { openFleetStream } from "@/lib/server/event-stream";
import type { FleetRuntime } from "@/lib/server/fleet";
import { currentPolicy, PolicyUnavailable } from "@/lib/auth/policy-store";
import { METRICS_CONTENT_TYPE, metricsAccess, metricsText } from "@/lib/server/metrics";
import { readiness } from "@/lib/server/readiness";
import { shuttingDown } from "@/lib/server/shutdown";
import { fleetBytes } from "@/lib/server/snapshot";
import { acquireStreamSlot } from "@/lib/server/stream-caps";

/**
 * The paths every board, wall and scraper hits, answered by the raw Node server without Next.js's
 * request path (routing, proxy.ts, Web Response conversion): /api/v1/fleet, /api/v1/events,
 * /api/healthz, /api/readyz and /metrics. Same access checks as the route handlers
 * (lib/server/access.ts), never an upstream call, never a database wait.
 */

const gzip = promisify(gzipCb);
const JSON_TYPE = "application/json; charset=utf-8";

export function nodeHeaders(req: IncomingMessage): HeaderSource {
  return {
    get(name) {
      const v = req.headers[name.toLowerCase()];
      return Array.isArray(v) ? v.join(", ") : (v ?? null);
    },
  };
}

function acceptsGzip(req: IncomingMessage): boolean {
  const ae = req.headers["accept-encoding"];
  return typeof ae === "string" && /\bgzip\b/.test(ae) && !/\bgzip;\s*q=0(\.0*)?\b/.test(ae);
}

/** The last compressed body, reused while the bytes are the same (several clients in the same millisecond). */
let lastGzip: { raw: Buffer; body: Buffer } | null = null;
/** Below this a gzip member costs more than it saves. */
const GZIP_MIN_BYTES = 1024;

export async function sendText(req: IncomingMessage, res: ServerResponse, status: number, type: string, text: string | Buffer[], extra: Record<string, string> = {}): Promise<void> {
  const parts = typeof text === "string" ? [Buffer.from(text)] : text;
  const length = parts.reduce((n, p) => n + p.length, 0);
  res.statusCode = status;
  res.setHeader("content-type", type);
  res.setHeader("cache-control", "no-store");
  for (const [k, v] of Object.entries(extra)) res.setHeader(k, v);
  res.setHeader("vary", "accept-encoding");
  if (length >= GZIP_MIN_BYTES && acceptsGzip(req)) {
    const raw = parts.length === 1 ? parts[0] : Buffer.concat(parts, length);
    let body: Buffer;
    if (lastGzip?.raw.equals(raw)) body = lastGzip.body;
    else {
      // On the libuv pool, at a level that keeps most of the saving for a fraction of the CPU.
      body = await gzip(raw, { level: 4 });
      lastGzip = { raw, body };
    }
    res.setHeader("content-encoding", "gzip");
    res.setHeader("content-length", body.length);
    res.end(req.method === "HEAD" ? undefined : body);
    return;
  }
  res.setHeader("content-length", length);
  if (req.method === "HEAD") {
    res.end();
    return;
  }
  // One write of the shared, already-encoded bytes after the small per-response head.
  res.cork();
  for (let i = 0; i < parts.length - 1; i++) res.write(parts[i]);
  res.end(parts[parts.length - 1]);
}

/** Sends a Web Response (the access gate's refusals) through the raw server. */
export async function sendResponse(req: IncomingMessage, res: ServerResponse, r: Response): Promise<void> {
  const extra: Record<string, string> = {};
  r.headers.forEach((v, k) => {
    if (k !== "content-type" && k !== "content-length") extra[k] = v;
  });
  await sendText(req, res, r.status, r.headers.get("content-type") ?? JSON_TYPE, await r.text(), extra);
}

async function fleet(req: IncomingMessage, res: ServerResponse, params: URLSearchParams, rt: FleetRuntime): Promise<void> {
  const access = await apiAccess({ headers: nodeHeaders(req) });
  if (access instanceof Response) return sendResponse(req, res, access);
  // Polling is stopping: a client whose stream just ended learns at once that this server is going
  // (a board then says "Not live" here, or a load balancer's next replica answers its retry).
  if (shuttingDown()) return sendResponse(req, res, apiError(503, "unavailable", "the server is shutting down; retry"));
  const filter = parseFleetFilter(params);
  const { monitor } = rt;
  await sendText(req, res, 200, JSON_TYPE, fleetBytes(monitor, filter, visibilityFilter(access, monitor.environments())));
}

async function events(req: IncomingMessage, res: ServerResponse, params: URLSearchParams, rt: FleetRuntime): Promise<void> {
  const headers = nodeHeaders(req);
  const access = await apiAccess({ headers });
  if (access instanceof Response) return sendResponse(req, res, access);
  if (shuttingDown()) return sendResponse(req, res, apiError(503, "unavailable", "the server is shutting down; reconnect"));
  const filter = parseFleetFilter(params);
  const changes = ["1", "true"].includes(params.get("changes") ?? "");
  // Counted per credential (per client address with authentication off); beyond the cap a 429.
  const slot = acquireStreamSlot(access.viewer, req.socket.remoteAddress ?? null);
  if (slot instanceof Response) return sendResponse(req, res, slot);
  res.statusCode = 200;
  res.setHeader("content-type", "text/event-stream; charset=utf-8");
  res.setHeader("cache-control", "no-cache, no-transform");
  res.setHeader("x-accel-buffering", "no");
  res.setHeader("vary", "accept-encoding");
  // Compressed per event: each write is followed by a sync flush, so nothing waits in the compressor.
  // An 8 kB window and memLevel 7 keep each open stream's compressor near 100 kB instead of about
  // 270 kB (a fleet summary repeats its keys every few hundred bytes, so little ratio is lost).
  const gz = acceptsGzip(req) ? createGzip({ level: 4, windowBits: 13, memLevel: 7 }) : null;
  if (gz) {
    res.setHeader("content-encoding", "gzip");
    gz.pipe(res);
  } else {
    res.flushHeaders();
  }
  let ended = false;
  const stop = openFleetStream({
    slot,
    monitor: rt.monitor,
    access,
    recheck: () => apiAccess({ headers }),
    filter,
    changes,
    write: (text) => {
      if (gz) {
        gz.write(text);
        gz.flush(zlibConstants.Z_SYNC_FLUSH);
      } else res.write(text);
    },
    end: () => {
      ended = true;
      if (gz) gz.end();
      else res.end();
    },
  });
  req.socket.setNoDelay(true);
  res.on("close", () => {
    stop();
    if (!ended && gz) gz.destroy();
  });
}

async function metrics(req: IncomingMessage, res: ServerResponse, rt: FleetRuntime): Promise<void> {
  let policy;
  try {
    policy = currentPolicy();
  } catch (e) {
    if (!(e instanceof PolicyUnavailable)) throw e;
    return sendResponse(req, res, apiError(503, "unavailable", "the server's configuration is not usable; see its log"));
  }
  const seen = await metricsAccess(policy, nodeHeaders(req).get("authorization"), rt.monitor);
  if (seen instanceof Response) return sendResponse(req, res, seen);
  await sendText(req, res, 200, METRICS_CONTENT_TYPE, await metricsText(seen, rt.monitor.now()));
}

/** Answers the request when it is one of the hot paths; false hands it to Next.js. */
export async function hotPath(req: IncomingMessage, res: ServerResponse, pathname: string, search: string, rt: () => FleetRuntime | null): Promise<boolean> {
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  try {
    switch (pathname) {
      case "/api/healthz":
        await sendText(req, res, 200, JSON_TYPE, '{"ok":true}');
        return true;
      case "/api/readyz": {
        const r = await readiness(rt()?.monitor ?? null);
        await sendText(req, res, r.ready ? 200 : 503, JSON_TYPE, JSON.stringify(r));
        return true;
      }
      case "/metrics": {
        const fleetRt = rt();
        if (!fleetRt) return false;
        await metrics(req, res, fleetRt);
        return true;
      }
      case "/api/v1/fleet":
      case "/api/v1/events": {
        const fleetRt = rt();
        if (!fleetRt || (pathname === "/api/v1/events" && req.method !== "GET")) return false;
        const params = new URLSearchParams(search);
        if (pathname === "/api/v1/fleet") await fleet(req, res, params, fleetRt);
        else await events(req, res, params, fleetRt);
        return true;
      }
      default:
        return false;
    }
  } catch (e) {
    if (res.headersSent) {
      res.destroy();
      return true;
    }
    if (e instanceof BadRequest) await sendResponse(req, res, apiError(400, "bad_request", e.message));
    else {
      console.error("flightboard: request failed:", e instanceof Error ? e.message : "unknown error");
      await sendResponse(req, res, apiError(500, "internal", "internal error"));
    }
    return true;
  }
}
