import { format } from "node:util";
import { pino, stdTimeFunctions, type Logger } from "pino";

/**
 * Logging for the production entry point. `LOG_FORMAT=json` (contract §10): one JSON object per line,
 * `level`, `time`, `msg` and fields, for every line the process writes — ours, the libraries' and
 * Next.js's — by routing `console` through pino. Otherwise the plain text lines stay as they are.
 * Lines never carry a secret: the code that writes them redacts (lib/auth/redact.ts), and request
 * lines (`LOG_LEVEL=debug`) carry the path without its query values and never a header.
 */

let logger: Logger | null = null;

export function jsonLogging(): boolean {
  return process.env.LOG_FORMAT === "json";
}

/** Installs JSON logging when asked for; idempotent. */
export function installLogging(): void {
  if (logger || !jsonLogging()) return;
  const out = pino(
    {
      level: process.env.LOG_LEVEL ?? "info",
      base: undefined,
      timestamp: stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    pino.destination({ sync: true }),
  );
  logger = out;
  const line = (level: "debug" | "info" | "warn" | "error") => (...args: unknown[]) => {
    // Our lines start with "flightboard: "; in JSON the source is implied.
    out[level](format(...args).replace(/^flightboard: /, ""));
  };
  console.log = line("info");
  console.info = line("info");
  console.warn = line("warn");
  console.error = line("error");
  console.debug = line("debug");
}

/** A query string with every value hidden (tokens travel in `?token=`), keys kept for debugging. */
export function safePath(url: string): string {
  const q = url.indexOf("?");
  if (q < 0) return url;
  const keys = [...new URLSearchParams(url.slice(q + 1)).keys()];
  return `${url.slice(0, q)}?${keys.map((k) => `${encodeURIComponent(k)}=…`).join("&")}`;
}

/** One line per request at debug level (off unless LOG_LEVEL=debug): method, path without values, status, time. */
export function logRequest(method: string, url: string, status: number, ms: number): void {
  if (logger) {
    if (logger.isLevelEnabled("debug")) logger.debug({ method, path: safePath(url), status, ms: Math.round(ms) }, "request");
  } else if (process.env.LOG_LEVEL === "debug") {
    console.debug(`flightboard: ${method} ${safePath(url)} ${status} ${Math.round(ms)} ms`);
  }
}
