import type { IncomingMessage, ServerResponse } from "node:http";

/** A response computed by a route, written by the caller (or returned from `invoke`). */
export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  /** Serialised with JSON.stringify unless `raw` is set. */
  json?: unknown;
  raw?: string;
  contentType?: string;
}

export function jsonResponse(status: number, json: unknown, headers?: Record<string, string>): SimResponse {
  return { status, json, headers };
}

export function htmlResponse(status: number, html: string, headers?: Record<string, string>): SimResponse {
  return { status, raw: html, contentType: "text/html; charset=utf-8", headers };
}

export function writeResponse(res: ServerResponse, r: SimResponse): void {
  if (res.headersSent || res.destroyed) return;
  const body = r.raw ?? JSON.stringify(r.json);
  const headers: Record<string, string | number> = {
    "content-type": r.contentType ?? "application/json",
    "content-length": Buffer.byteLength(body),
    ...r.headers,
  };
  res.writeHead(r.status, headers);
  res.end(body);
}

/** Query parameters as arrays (repeated keys keep every value). */
export type Query = Map<string, string[]>;

export function parseQuery(search: URLSearchParams): Query {
  const q: Query = new Map();
  for (const [k, v] of search) {
    const list = q.get(k);
    if (list) list.push(v); else q.set(k, [v]);
  }
  return q;
}

export function queryFromRecord(rec: Record<string, string | string[]>): Query {
  const q: Query = new Map();
  for (const [k, v] of Object.entries(rec)) q.set(k, Array.isArray(v) ? [...v] : [v]);
  return q;
}

export function readBody(req: IncomingMessage, maxBytes = 1 << 20): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) { reject(new Error("request body too large")); req.destroy(); return; }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** SQL `ILIKE '%p%'` semantics, with `%` and `_` wildcards. */
export function ilikeContains(pattern: string): RegExp {
  const body = pattern.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/%/g, ".*").replace(/_/g, ".");
  return new RegExp(body, "i");
}
