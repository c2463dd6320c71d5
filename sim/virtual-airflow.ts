import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { type RouteCtx } from "./api-common";
import { routeWrite } from "./api-actions";
import { problem, routeV1 } from "./api-v1";
import { routeV2 } from "./api-v2";
import { EnvModel } from "./env-model";
import { htmlResponse, jsonResponse, parseQuery, type Query, queryFromRecord, readBody, type SimResponse, writeResponse } from "./http-util";
import { signJwt, verifyJwt } from "./jwt";
import { hashString, hexFrom } from "./random";
import type { AuthRejection, HandleOptions, ScenarioName, SimClock, SimEnvironmentSpec, VirtualAirflow } from "./types";
import { health, versionBody } from "./wire";

/**
 * One virtual Airflow web server: scenario gate (hangs, 500s, login redirects, flapping, slow),
 * authentication (basic, static bearer, Airflow 3 JWT), then the v1 or v2 routes.
 */

export interface VirtualAirflowDeps {
  seed: number;
  clock: SimClock;
  slowMs: number;
  flapPeriodS: number;
  count(envId: string, routeKey: string): void;
}

export type AuthKind = "none" | "basic" | "bearer" | "jwt";

/** The built-in VirtualAirflow plus what the config writer needs (secrets stay in the simulator process). */
export interface VirtualAirflowImpl extends VirtualAirflow {
  authKind: AuthKind;
  username: string;
  password: string;
  /** Static bearer token (auth "bearer"). */
  token: string;
}

const HTML_500 = "<!DOCTYPE html>\n<html><head><title>500 Internal Server Error</title></head><body><h1>Internal Server Error</h1><p>The server encountered an internal error and was unable to complete your request.</p></body></html>\n";
const HTML_404 = "<!DOCTYPE html>\n<html><head><title>Airflow 404</title></head><body><h1>Airflow 404 = lots of circles</h1></body></html>\n";
const HTML_LOGIN = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign In - Airflow</title></head><body>\n<form method=\"post\" action=\"\" name=\"login\"><input type=\"hidden\" name=\"csrf_token\" value=\"sim\">\n<label for=\"username\">Username</label><input id=\"username\" name=\"username\" type=\"text\">\n<label for=\"password\">Password</label><input id=\"password\" name=\"password\" type=\"password\">\n<input type=\"submit\" value=\"Sign In\"></form></body></html>\n";

function normalizePrefix(p: string | undefined): string {
  if (!p || p === "/") return "";
  return `/${p.replace(/^\/+|\/+$/g, "")}`;
}

/** "GET /api/v1/dags/{dag_id}/dagRuns"; `~` stays literal so all-DAG polling is visible in stats. */
export function routeKey(method: string, path: string): string {
  const parts = path.split("/");
  if (/^\/api\/v[12]\/dags\/[^/]+/.test(path) && parts[4] !== "~") parts[4] = "{dag_id}";
  return `${method} ${parts.join("/")}`;
}

export function createVirtualAirflowImpl(spec: SimEnvironmentSpec, deps: VirtualAirflowDeps): VirtualAirflowImpl {
  const major: 2 | 3 = spec.airflowVersion.trim().startsWith("3") ? 3 : 2;
  if (!/^[23]\./.test(spec.airflowVersion.trim())) throw new Error(`Simulator: environment "${spec.id}" has airflowVersion "${spec.airflowVersion}"; use 2.x.y or 3.x.y`);
  const authKind: AuthKind = spec.auth ?? (major === 3 ? "jwt" : "basic");
  if (major === 2 && authKind === "jwt") throw new Error(`Simulator: environment "${spec.id}" asks for jwt auth, which Airflow 2 does not have; use basic, bearer or none`);
  if (major === 3 && authKind === "basic") throw new Error(`Simulator: environment "${spec.id}" asks for basic auth, which the Airflow 3 API does not accept; use jwt, bearer or none`);

  const clock = deps.clock;
  const model = new EnvModel(deps.seed, spec, clock.now());
  const seedHash = hashString(`${deps.seed}:${spec.id}`);
  const username = typeof spec.options?.username === "string" ? spec.options.username : "monitor";
  const password = `sim-${hexFrom(hashString(`${deps.seed}:${spec.id}:password`), 12)}`;
  const jwtSecret = hexFrom(hashString(`${deps.seed}:${spec.id}:jwt-secret`), 32);
  const jwtLifetimeS = typeof spec.options?.jwtLifetimeS === "number" ? spec.options.jwtLifetimeS : 86_400;
  const version = spec.airflowVersion.trim();

  const issueJwt = (subject: string, lifetimeS = jwtLifetimeS): string => {
    const iat = Math.floor(clock.now() / 1000);
    return signJwt({ jti: randomUUID().replace(/-/g, ""), sub: subject, role: "admin", iat, nbf: iat, exp: iat + lifetimeS }, jwtSecret);
  };
  // Airflow 3 "bearer" is a long-lived API token, i.e. a JWT the server itself signed.
  const token = major === 3
    ? signJwt({ jti: hexFrom(seedHash, 16), sub: username, role: "admin", iat: Math.floor(model.historyStart / 1000), nbf: Math.floor(model.historyStart / 1000), exp: Math.floor(model.historyStart / 1000) + 10 * 365 * 86_400 }, jwtSecret)
    : `sim-token-${hexFrom(hashString(`${deps.seed}:${spec.id}:token`), 24)}`;

  const timers = new Set<NodeJS.Timeout>();
  const hung = new Set<ServerResponse>();
  const hungInvokes = new Set<(e: Error) => void>();

  const ctx = (): RouteCtx => ({ spec, model, now: clock.now(), seedHash });

  // ---- authentication ----

  const rejectV1 = (): SimResponse => problem(version, 401, "Unauthorized", null, { "www-authenticate": authKind === "bearer" ? "Bearer" : "Basic" });
  const rejectV2 = (detail: string, status = 401): SimResponse =>
    jsonResponse(status, { detail }, status === 401 ? { "www-authenticate": "Bearer" } : undefined);

  function builtInAuth(headers: IncomingMessage["headers"]): SimResponse | null {
    const authz = headers.authorization ?? "";
    if (model.scenario() === "bad-credentials") return major === 2 ? rejectV1() : rejectV2("Not authenticated");
    if (authKind === "none") return null;
    if (major === 2) {
      if (authKind === "basic") {
        const m = authz.match(/^Basic\s+(\S+)$/i);
        const decoded = m ? Buffer.from(m[1], "base64").toString("utf8") : "";
        return decoded === `${username}:${password}` ? null : rejectV1();
      }
      const m = authz.match(/^Bearer\s+(\S+)$/i);
      return m && m[1] === token ? null : rejectV1();
    }
    let bearer = authz.match(/^Bearer\s+(\S+)$/i)?.[1];
    if (!bearer) bearer = (headers.cookie ?? "").match(/(?:^|;\s*)_token=([^;]+)/)?.[1];
    if (!bearer) return rejectV2("Not authenticated");
    const check = verifyJwt(bearer, jwtSecret, clock.now());
    if (check.ok) return null;
    return check.reason === "expired" ? rejectV2("Token Expired") : rejectV2("Invalid JWT token", 403);
  }

  async function createToken(req: IncomingMessage | null, bodyText: string): Promise<SimResponse> {
    const type = req?.headers["content-type"] ?? "application/json";
    let creds: Record<string, unknown> = {};
    if (/x-www-form-urlencoded/i.test(type)) creds = Object.fromEntries(new URLSearchParams(bodyText));
    else if (bodyText.trim()) {
      try { creds = JSON.parse(bodyText); } catch {
        return jsonResponse(422, { detail: [{ type: "json_invalid", loc: ["body", 0], msg: "JSON decode error", input: {}, ctx: { error: "Expecting value" } }] });
      }
      if (!creds || typeof creds !== "object" || Array.isArray(creds)) creds = {};
    }
    if (typeof creds.username !== "string" || typeof creds.password !== "string" || !creds.username || !creds.password) {
      return jsonResponse(400, { detail: "Username and password must be provided" });
    }
    if (model.scenario() === "bad-credentials" || creds.username !== username || creds.password !== password) {
      return jsonResponse(401, { detail: "Invalid credentials" });
    }
    return jsonResponse(201, { access_token: issueJwt(username) });
  }

  // ---- routing ----

  const KNOWN = /^\/(dags|dags\/[^/]+|dags\/[^/]+\/dagRuns|dags\/[^/]+\/clearTaskInstances|importErrors|dagStats)$/;
  const write = async (method: string, sub: string, query: Query, bodyText: () => Promise<string>): Promise<SimResponse | null> =>
    method === "GET" ? null : routeWrite(ctx(), major, method, sub, query, await bodyText());

  async function serve(method: string, path: string, query: Query, req: IncomingMessage | null, bodyText: () => Promise<string>,
    auth: ((r: IncomingMessage) => AuthRejection | null) | "skip" | undefined): Promise<SimResponse> {
    const checkAuth = (): SimResponse | null => {
      if (auth === "skip" || !req) return null;
      if (auth && model.scenario() !== "bad-credentials") {
        const r = auth(req);
        return r ? { status: r.status, headers: r.headers, raw: r.body, contentType: r.headers?.["content-type"] ?? "application/json" } : null;
      }
      return builtInAuth(req.headers);
    };
    const api = major === 2 ? "/api/v1" : "/api/v2";
    if (major === 2) {
      if (method === "GET" && (path === "/health" || path === "/api/v1/health")) return jsonResponse(200, health(model, version, 2, clock.now()));
      if (method === "GET" && path === "/api/v1/version") return jsonResponse(200, versionBody(version, seedHash));
      if (path.startsWith("/api/v1/") || path === "/api/v1") {
        const sub = path.slice(api.length);
        if (!KNOWN.test(sub)) return problem(version, 404, "Not Found", "The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.");
        return checkAuth() ?? (await write(method, sub, query, bodyText)) ?? routeV1(ctx(), method, sub, query)!;
      }
      return htmlResponse(404, HTML_404);
    }
    if (method === "GET" && path === "/api/v2/monitor/health") return jsonResponse(200, health(model, version, 3, clock.now()));
    if (method === "GET" && path === "/api/v2/version") return jsonResponse(200, versionBody(version, seedHash));
    if (path === "/auth/token") {
      if (method === "POST") return createToken(req, await bodyText());
      return jsonResponse(403, { detail: "Forbidden" });
    }
    if (path === "/health") return jsonResponse(404, { error: "Moved in Airflow 3. Please change config to check `/api/v2/monitor/health`" });
    if (path === "/api/v1" || path.startsWith("/api/v1/")) {
      return jsonResponse(404, { error: "/api/v1 has been removed in Airflow 3, please use its upgraded version /api/v2 instead." });
    }
    if (path.startsWith("/api/v2/") && KNOWN.test(path.slice(api.length))) {
      return checkAuth() ?? (await write(method, path.slice(api.length), query, bodyText)) ?? routeV2(ctx(), method, path.slice(api.length), query)!;
    }
    if (path.startsWith("/api/")) return jsonResponse(404, { error: "API route not found" });
    return jsonResponse(404, { detail: "Not Found" });
  }

  /** The scenario's answer before routing, "hang", or null to serve normally. */
  function gate(path: string, fullUrl: string, prefix: string): SimResponse | "hang" | null {
    const s = model.scenario();
    if (s === "hangs") return "hang";
    if (s === "http-500") return htmlResponse(500, HTML_500);
    if (s === "flapping") {
      const half = Math.max(1, deps.flapPeriodS) * 500;
      if (Math.floor((clock.now() - model.scenarioSince()) / half) % 2 === 1) return htmlResponse(500, HTML_500);
    }
    if (s === "html-login-redirect") {
      if (path === "/login/" || path === "/login") return htmlResponse(200, HTML_LOGIN);
      return htmlResponse(302, `<!doctype html>\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>\n`, { location: `${prefix}/login/?next=${encodeURIComponent(fullUrl)}` });
    }
    return null;
  }

  function later(fn: () => void): void {
    const t = setTimeout(() => { timers.delete(t); fn(); }, deps.slowMs);
    timers.add(t);
  }

  function handle(req: IncomingMessage, res: ServerResponse, opts?: HandleOptions): void {
    const method = (req.method ?? "GET").toUpperCase();
    const url = new URL(req.url ?? "/", "http://sim.invalid");
    const prefix = normalizePrefix(opts?.pathPrefix ?? spec.pathPrefix);
    let path = url.pathname;
    if (prefix) {
      if (path !== prefix && !path.startsWith(`${prefix}/`)) {
        deps.count(spec.id, `${method} ${path}`);
        writeResponse(res, htmlResponse(404, HTML_404));
        return;
      }
      path = path.slice(prefix.length) || "/";
    }
    deps.count(spec.id, routeKey(method, path));
    const g = gate(path, `http://${req.headers.host ?? "localhost"}${url.pathname}${url.search}`, prefix);
    if (g === "hang") {
      hung.add(res);
      res.on("close", () => hung.delete(res));
      return;
    }
    if (g) { writeResponse(res, g); return; }
    const go = () => {
      serve(method, path, parseQuery(url.searchParams), req, () => readBody(req), opts?.authenticate)
        .then((r) => writeResponse(res, r))
        .catch(() => writeResponse(res, htmlResponse(500, HTML_500)));
    };
    if (model.scenario() === "slow") later(go); else go();
  }

  async function invoke(method: string, apiPath: string, query: Record<string, string | string[]>, body: unknown): Promise<{ status: number; json: unknown }> {
    const path = `${major === 2 ? "/api/v1" : "/api/v2"}${apiPath.startsWith("/") ? apiPath : `/${apiPath}`}`;
    const g = gate(path, path, "");
    if (g === "hang") return new Promise((_, reject) => hungInvokes.add(reject));
    if (g) return { status: g.status, json: g.json ?? null };
    if (model.scenario() === "slow") await new Promise<void>((resolve) => later(resolve));
    const text = body === undefined || body === null ? "" : JSON.stringify(body);
    const r = await serve(method.toUpperCase(), path, queryFromRecord(query), null, async () => text, "skip");
    return { status: r.status, json: r.json ?? null };
  }

  return {
    spec,
    major,
    authKind,
    username,
    password,
    token,
    handle,
    invoke,
    issueJwt,
    scenario: () => model.scenario(),
    setScenario: (s: ScenarioName) => model.setScenario(s, clock.now()),
    close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const res of hung) res.socket?.destroy();
      hung.clear();
      for (const reject of hungInvokes) reject(new Error("simulator closed"));
      hungInvokes.clear();
    },
  };
}
