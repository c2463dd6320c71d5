import { existsSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import next from "next";
import { installLogging, logRequest } from "@/lib/log";
import { getFleet, type FleetRuntime } from "@/lib/server/fleet";
import { installSignalHandlers, onShutdown } from "@/lib/server/shutdown";
import { hotPath } from "./hot-paths";
import { securityHeaders } from "./security-headers.mjs";

/**
 * The production entry point (`npm start`, the container): owns the process. It starts the fleet
 * monitor, answers the hot read paths itself (hot-paths.ts), hands everything else to Next.js through
 * its custom-server API, puts the security headers on every response (Next's own 308 redirects
 * included), and shuts down gracefully on SIGTERM/SIGINT (lib/server/shutdown.ts).
 */

const ROOT = process.env.FLIGHTBOARD_ROOT ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const port = Number(process.env.PORT || 3000);
/** Unset: every address, IPv6 and IPv4 (as `next start` does), so `localhost` works either way. */
const hostname = process.env.HOSTNAME || undefined;
const log = (msg: string) => console.log(`flightboard: ${msg}`);

const HEADERS = securityHeaders(false);

/** Fills in every security header the response does not carry yet, just before the head is sent. */
function guardHead(res: ServerResponse): void {
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, ...args: Parameters<ServerResponse["writeHead"]>) {
    // Headers passed to writeHead directly win over setHeader's; merge so ours cannot be lost.
    for (const { key, value } of HEADERS) if (!this.hasHeader(key)) this.setHeader(key, value);
    const status = args[0];
    if (status >= 300 && status < 400) stripToken(this);
    return writeHead.apply(this, args);
  } as ServerResponse["writeHead"];
}

function withoutToken(loc: string): string {
  const url = new URL(loc, "http://placeholder.invalid");
  for (const k of [...url.searchParams.keys()]) if (k.toLowerCase() === "token") url.searchParams.delete(k);
  return url.origin === "http://placeholder.invalid" ? `${url.pathname}${url.search}${url.hash}` : url.href;
}

/**
 * A display token never travels on in a redirect (Next's trailing-slash 308s keep the query, in the
 * Location, a Refresh header and the body): the redirect goes to the same place without it.
 */
function stripToken(res: ServerResponse): void {
  const loc = res.getHeader("location");
  if (typeof loc !== "string" || !/[?&]token=/i.test(loc)) return;
  const clean = withoutToken(loc);
  res.setHeader("location", clean);
  if (res.hasHeader("refresh")) res.setHeader("refresh", `0;url=${clean}`);
  res.removeHeader("content-length");
  const end = res.end.bind(res);
  res.write = (() => true) as ServerResponse["write"];
  res.end = ((...args: unknown[]) => {
    const cb = args.find((a) => typeof a === "function") as (() => void) | undefined;
    return end(clean, cb);
  }) as ServerResponse["end"];
}

function badRequest(res: ServerResponse, message: string): void {
  const body = JSON.stringify({ error: { code: "bad_request", message } });
  res.writeHead(400, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

/**
 * The configuration Next.js was built with, as its standalone server.js passes it: the image carries
 * no next.config.js, and the running server must not differ from the build.
 */
function applyBuiltConfig(): void {
  const file = path.join(ROOT, ".next", "required-server-files.json");
  if (!existsSync(file) || process.env.__NEXT_PRIVATE_STANDALONE_CONFIG) return;
  process.env.__NEXT_PRIVATE_STANDALONE_CONFIG = JSON.stringify((JSON.parse(readFileSync(file, "utf8")) as { config: unknown }).config);
}

async function main(): Promise<void> {
  installLogging();
  applyBuiltConfig();
  let fleet: FleetRuntime | null = null;
  installSignalHandlers(log);
  const fleetReady = getFleet().then((f) => (fleet = f));
  onShutdown("polling", async () => (await fleetReady).close(), "polling");
  // The listener opens without waiting for the fleet: liveness and readiness ("configuration not
  // loaded yet") answer from the start; other reads go to Next.js, whose routes wait for the fleet.
  // A fleet that cannot start (storage, a demo that fails) still ends the process.
  fleetReady.catch((e: unknown) => {
    console.error("flightboard: could not start:", e instanceof Error ? e.message : e);
    process.exit(1);
  });

  const app = next({ dev: false, dir: ROOT, hostname, port, customServer: true });
  const handleNext = app.getRequestHandler();
  await app.prepare();

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    guardHead(res);
    const t0 = performance.now();
    res.once("finish", () => logRequest(req.method ?? "GET", req.url ?? "/", res.statusCode, performance.now() - t0));
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const pathname = q < 0 ? url : url.slice(0, q);
    try {
      // Next answers a malformed percent-encoding with a 500; it is the client's mistake.
      decodeURIComponent(pathname);
    } catch {
      badRequest(res, "the path has a malformed percent-encoding");
      return;
    }
    try {
      if (await hotPath(req, res, pathname, q < 0 ? "" : url.slice(q + 1), () => fleet)) return;
      await handleNext(req, res);
    } catch (e) {
      console.error("flightboard: request failed:", e instanceof Error ? e.message : "unknown error");
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
        res.end("internal error\n");
      } else res.destroy();
    }
  });
  server.keepAliveTimeout = 65_000;
  onShutdown(
    "listener",
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // Keep-alive clients in the middle of nothing must not hold the exit.
        setTimeout(() => server.closeAllConnections(), 500).unref();
      }),
    "last",
  );
  server.listen(port, hostname, () => log(`listening on http://${hostname ?? "localhost"}:${port}`));
}

main().catch((e: unknown) => {
  console.error("flightboard: could not start:", e instanceof Error ? e.message : e);
  process.exit(1);
});
