import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { Webhook } from "standardwebhooks";

/**
 * Real receivers on loopback for channel tests: a Standard Webhooks receiver that verifies every
 * signature, a Slack-like incoming webhook, a PagerDuty-like Events API v2 endpoint, and an SMTP
 * server. Each keeps what it accepted; `failNext(n)` makes the next n requests answer 500.
 */

export interface Received {
  headers: Record<string, string>;
  body: unknown;
  raw: string;
}

export interface HttpReceiver {
  url: string;
  received: Received[];
  rejected: { status: number; why: string }[];
  failNext(n: number, status?: number): void;
  close(): Promise<void>;
}

type Check = (raw: string, headers: Record<string, string>) => { status: number; why?: string; body?: unknown };

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function httpReceiver(check: Check, okStatus = 200): Promise<HttpReceiver> {
  const received: Received[] = [];
  const rejected: { status: number; why: string }[] = [];
  let fail = 0;
  let failStatus = 500;
  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const raw = await readBody(req);
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    if (req.method !== "POST") return void res.writeHead(405).end();
    if (fail > 0) {
      fail--;
      rejected.push({ status: failStatus, why: "told to fail" });
      return void res.writeHead(failStatus).end("try later");
    }
    const r = check(raw, headers);
    if (r.status >= 300) {
      rejected.push({ status: r.status, why: r.why ?? "" });
      return void res.writeHead(r.status).end(r.why ?? "");
    }
    received.push({ headers, body: r.body ?? JSON.parse(raw), raw });
    res.writeHead(okStatus, { "content-type": "application/json" }).end(JSON.stringify({ status: "success" }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    rejected,
    failNext: (n, status = 500) => {
      fail = n;
      failStatus = status;
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}

function json(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/** Verifies `webhook-id`, `webhook-timestamp` and `webhook-signature` with the standardwebhooks package. */
export function webhookReceiver(secret: string): Promise<HttpReceiver> {
  const wh = new Webhook(secret);
  return httpReceiver((raw, headers) => {
    try {
      return { status: 200, body: wh.verify(raw, headers) };
    } catch (e) {
      return { status: 401, why: `signature: ${(e as Error).message}` };
    }
  }, 204);
}

/** Accepts what Slack's incoming webhooks accept: JSON with non-empty `text` and, if any, a `blocks` array within limits. */
export function slackReceiver(): Promise<HttpReceiver> {
  return httpReceiver((raw) => {
    const b = json(raw) as { text?: unknown; blocks?: unknown[] } | undefined;
    if (!b || typeof b.text !== "string" || b.text.length === 0) return { status: 400, why: "no_text" };
    if (b.blocks !== undefined && (!Array.isArray(b.blocks) || b.blocks.length > 50)) return { status: 400, why: "invalid_blocks" };
    for (const block of b.blocks ?? []) {
      const bl = block as { type?: string; text?: { text?: string }; fields?: unknown[] };
      if (bl.type === "header" && (bl.text?.text ?? "").length > 150) return { status: 400, why: "invalid_blocks" };
      if (bl.type === "section" && (bl.text?.text ?? "").length > 3000) return { status: 400, why: "invalid_blocks" };
      if (bl.fields && bl.fields.length > 10) return { status: 400, why: "invalid_blocks" };
    }
    return { status: 200 };
  });
}

/** Events API v2: routing_key, event_action, dedup_key; a trigger needs payload.summary/source/severity. */
export function pagerDutyReceiver(routingKey: string): Promise<HttpReceiver> {
  return httpReceiver((raw) => {
    const e = json(raw) as { routing_key?: string; event_action?: string; dedup_key?: string; payload?: { summary?: string; source?: string; severity?: string } } | undefined;
    if (!e || e.routing_key !== routingKey) return { status: 400, why: "invalid routing key" };
    if (!["trigger", "acknowledge", "resolve"].includes(e.event_action ?? "")) return { status: 400, why: "invalid event_action" };
    if (e.event_action !== "trigger" && !e.dedup_key) return { status: 400, why: "dedup_key required" };
    if (e.event_action === "trigger") {
      const p = e.payload;
      if (!p?.summary || p.summary.length > 1024 || !p.source || !["critical", "error", "warning", "info"].includes(p.severity ?? "")) return { status: 400, why: "invalid payload" };
    }
    return { status: 202 };
  }, 202);
}

export interface SmtpReceiver {
  port: number;
  mails: { from: string; to: string[]; raw: string }[];
  close(): Promise<void>;
}

/** An SMTP server (smtp-server) that requires the given login and keeps every message. */
export async function smtpReceiver(user: string, pass: string): Promise<SmtpReceiver> {
  const mails: SmtpReceiver["mails"] = [];
  const server = new SMTPServer({
    authOptional: false,
    allowInsecureAuth: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === user && auth.password === pass) cb(null, { user });
      else cb(new Error("Invalid username or password"));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("utf8"),
        });
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.server.address() as AddressInfo).port;
  return { port, mails, close: () => new Promise((r) => server.close(() => r())) };
}
