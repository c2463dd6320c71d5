import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { htmlResponse, readBody, writeResponse } from "../http-util";
import type { AuthRejection, PlaneContext } from "../types";
import { runAirflowCli, splitCommand } from "./airflow-cli";
import { sessionLifetimeS, type MwaaEnv, type MwaaState } from "./model";

/**
 * One MWAA environment's web server (served over HTTPS by the plane): the MWAA login endpoints
 * that trade a web login token for a session, then the shared virtual Airflow.
 * - Airflow 2: `POST /aws_mwaa/login` → `Set-Cookie: session=…`; `/api/v1` needs that cookie.
 * - Airflow 3: `POST /pluginsv2/aws_mwaa/login` → `Set-Cookie: _token=<JWT>`; `/api/v2` needs it as Bearer
 *   (the virtual Airflow's own JWT check).
 * The login answers 302 and sets the cookie on that answer, as a Flask/FastAPI login view does.
 * - `POST /aws_mwaa/cli` (Airflow 3: `/aws_mwaa/cli/`, the bare path answers 307 to it) with `Authorization: Bearer {CliToken}` runs an Airflow CLI
 *   command (text/plain body) and answers `{"stdout": base64, "stderr": base64}` (airflow-cli.ts).
 */

const HTML_502 = "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>\n";
const HTML_FORBIDDEN = "<!DOCTYPE html>\n<html><head><title>Forbidden</title></head><body><h1>Forbidden</h1><p>The web login token is invalid or has expired.</p></body></html>\n";

export function loginPath(major: 2 | 3): string {
  return major === 3 ? "/pluginsv2/aws_mwaa/login" : "/aws_mwaa/login";
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  const raw = req.headers.cookie ?? "";
  for (const part of raw.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function createWebServerHandler(env: MwaaEnv, state: MwaaState, ctx: PlaneContext): (req: IncomingMessage, res: ServerResponse) => void {
  const major = env.va.major;

  /** Airflow 2 REST API behind the MWAA session cookie (401 problem JSON, as `/api/v1` answers). */
  const sessionCheck = (req: IncomingMessage): AuthRejection | null => {
    const sid = cookie(req, "session");
    const s = sid ? state.sessions.get(sid) : undefined;
    if (s && s.env === env && ctx.clock.now() < s.expiresAtMs) return null;
    return {
      status: 401,
      headers: { "content-type": "application/problem+json" },
      body: JSON.stringify({ detail: null, status: 401, title: "Unauthorized", type: "https://airflow.apache.org/docs/apache-airflow/stable/stable-rest-api-ref.html#section/Errors/Unauthenticated" }),
    };
  };

  async function login(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = new URLSearchParams(await readBody(req));
    const token = form.get("token") ?? "";
    const entry = state.webTokens.get(token);
    state.webTokens.delete(token); // single use, even when it fails
    const now = ctx.clock.now();
    if (!entry || entry.env !== env || now > entry.expiresAtMs) {
      writeResponse(res, htmlResponse(403, HTML_FORBIDDEN));
      return;
    }
    const lifetimeS = sessionLifetimeS(env);
    let setCookie: string;
    if (major === 3) {
      setCookie = `_token=${env.va.issueJwt("mwaa-viewer", lifetimeS)}; Path=/; Secure; SameSite=Lax`;
    } else {
      for (const [k, v] of state.sessions) if (v.expiresAtMs < now) state.sessions.delete(k);
      const sid = randomBytes(24).toString("base64url");
      state.sessions.set(sid, { env, expiresAtMs: now + lifetimeS * 1000 });
      // A browser-session cookie (no Expires), like Flask's: the client must know MWAA's 12 h itself.
      setCookie = `session=${sid}; Secure; HttpOnly; Path=/; SameSite=Lax`;
    }
    writeResponse(res, htmlResponse(302, `<!doctype html>\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>\n`, { location: "/", "set-cookie": setCookie }));
  }

  async function cli(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const command = await readBody(req);
    const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? "")?.[1] ?? "";
    const entry = state.cliTokens.get(token);
    if (!entry || entry.env !== env || ctx.clock.now() > entry.expiresAtMs) {
      writeResponse(res, htmlResponse(403, HTML_FORBIDDEN.replace("web login token", "CLI token")));
      return;
    }
    if (!/^text\/plain\b/i.test(req.headers["content-type"] ?? "")) {
      writeResponse(res, htmlResponse(415, "<!DOCTYPE html>\n<title>415 Unsupported Media Type</title>\n<h1>Unsupported Media Type</h1>\n"));
      return;
    }
    // Each command counted too (`CLI dags trigger`), so tests see which commands were sent, and how often.
    ctx.count(env.spec.id, `CLI ${splitCommand(command.trim()).slice(0, 2).join(" ")}`, false);
    const out = await runAirflowCli(env, command, ctx.clock.now());
    const b64 = (t: string) => Buffer.from(t, "utf8").toString("base64");
    writeResponse(res, { status: 200, json: { stdout: b64(out.stdout), stderr: b64(out.stderr) }, contentType: "application/json" });
  }

  return (req, res) => {
    const method = (req.method ?? "GET").toUpperCase();
    const path = new URL(req.url ?? "/", "https://sim.invalid").pathname;
    if (env.scenario === "unavailable") {
      ctx.count(env.spec.id, `${method} ${path}`);
      writeResponse(res, htmlResponse(502, HTML_502));
      return;
    }
    // Airflow 3's web server (FastAPI) redirects `/aws_mwaa/cli` to `/aws_mwaa/cli/` with a 307.
    if (method === "POST" && path === "/aws_mwaa/cli" && major === 3) {
      ctx.count(env.spec.id, `POST ${path}`);
      writeResponse(res, { status: 307, headers: { location: `https://${req.headers.host ?? "localhost"}/aws_mwaa/cli/` }, raw: "" });
      return;
    }
    if (method === "POST" && path === (major === 3 ? "/aws_mwaa/cli/" : "/aws_mwaa/cli")) {
      ctx.count(env.spec.id, "POST /aws_mwaa/cli");
      cli(req, res).catch(() => writeResponse(res, htmlResponse(500, HTML_502)));
      return;
    }
    if (method === "POST" && path === loginPath(major)) {
      ctx.count(env.spec.id, `POST ${path}`);
      login(req, res).catch(() => writeResponse(res, htmlResponse(500, HTML_502)));
      return;
    }
    env.va.handle(req, res, major === 2 ? { authenticate: sessionCheck } : undefined);
  };
}
