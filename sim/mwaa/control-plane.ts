import { randomBytes, randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody } from "../http-util";
import type { PlaneContext } from "../types";
import { environmentBody, webHostname, type Caller, type MwaaEnv, type MwaaState } from "./model";
import { verifySigV4 } from "./sigv4";

/**
 * The MWAA control plane (restJson1, SigV4 service `airflow`) plus STS `AssumeRole` (query
 * protocol, SigV4 service `sts`) on one listener. Routing is by method and path only, because a
 * client with an endpoint override sends every operation to the same host (host prefixes off).
 */

/** Stats id for calls that belong to no single environment (ListEnvironments, AssumeRole). */
export const CONTROL_PLANE_STATS_ID = "mwaa-control-plane";
/** InvokeRestApi quota per account and region, per rolling second (AWS documents about 10 TPS). */
export const REST_API_TPS = 10;
/** Web login and CLI tokens both live 60 s (MWAA docs). */
const WEB_TOKEN_TTL_MS = 60_000;
const REST_API_TIMEOUT_MS = 10_000;

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    "x-amzn-requestid": randomUUID(),
    ...headers,
  });
  res.end(text);
}

/** A modeled restJson1 error: `x-amzn-errortype` names it; the body has `message` (or `Message` for AccessDenied). */
function awsError(res: ServerResponse, status: number, type: string, message: string): void {
  const body = type === "AccessDeniedException" ? { Message: message } : { message };
  send(res, status, body, { "x-amzn-errortype": `${type}:http://internal.amazon.com/coral/com.amazonaws.airflow/` });
}

function xml(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { "content-type": "text/xml", "content-length": Buffer.byteLength(text), "x-amzn-requestid": randomUUID() });
  res.end(text);
}

function stsError(res: ServerResponse, status: number, code: string, message: string): void {
  const esc = message.replace(/&/g, "&amp;").replace(/</g, "&lt;");
  xml(res, status, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">\n  <Error>\n    <Type>Sender</Type>\n    <Code>${code}</Code>\n    <Message>${esc}</Message>\n  </Error>\n  <RequestId>${randomUUID()}</RequestId>\n</ErrorResponse>\n`);
}

export interface ControlPlane {
  handle(req: IncomingMessage, res: ServerResponse): void;
}

export function createControlPlane(state: MwaaState, ctx: PlaneContext): ControlPlane {
  const lookup = (akid: string) => state.callers.get(akid);

  /** Verifies the signature and the caller's expiry; answers the error itself and returns null when refused. */
  const authenticate = (req: IncomingMessage, body: string, res: ServerResponse, service: "airflow" | "sts"): { caller: Caller; region: string } | null => {
    const v = verifySigV4({ method: req.method ?? "GET", url: req.url ?? "/", headers: req.headers, body }, service, lookup);
    if (!v.ok) {
      if (service === "sts") stsError(res, v.status, v.code === "InvalidSignatureException" ? "SignatureDoesNotMatch" : v.code.replace(/Exception$/, ""), v.message);
      else awsError(res, v.status, v.code, v.message);
      return null;
    }
    const caller = state.callers.get(v.accessKeyId)!;
    // Temporary credentials expire on the real clock: the SDK judges their expiry with it too.
    if (caller.expiresAtMs !== undefined && Date.now() >= caller.expiresAtMs) {
      if (service === "sts") stsError(res, 403, "ExpiredToken", "The security token included in the request is expired");
      else awsError(res, 403, "ExpiredTokenException", "The security token included in the request is expired");
      return null;
    }
    return { caller, region: v.region };
  };

  /** The environment `name` as the caller sees it: same account, same region as the signature. */
  const findEnv = (name: string, caller: Caller, region: string): MwaaEnv | undefined =>
    state.envs.find((e) => e.name === name && e.account === caller.account && e.region === region && e.scenario !== "deleted");

  const notFound = (res: ServerResponse, name: string) => awsError(res, 404, "ResourceNotFoundException", `Environment ${name} does not exist.`);

  const denied = (res: ServerResponse, env: MwaaEnv, caller: Caller, action: string) =>
    awsError(
      res,
      403,
      "AccessDeniedException",
      `User: ${caller.arn} is not authorized to perform: airflow:${action} on resource: arn:aws:airflow:${env.region}:${env.account}:role/${env.name}/Viewer because no identity-based policy allows the airflow:${action} action. No Airflow role granted in IAM.`,
    );

  const throttled = (res: ServerResponse, env: MwaaEnv) => {
    ctx.count(env.spec.id, "MWAA ThrottlingException");
    awsError(res, 429, "ThrottlingException", "Rate exceeded");
  };

  function assumeRole(form: URLSearchParams, caller: Caller, res: ServerResponse): void {
    const roleArn = form.get("RoleArn") ?? "";
    const sessionName = form.get("RoleSessionName") ?? "";
    const m = /^arn:aws[\w-]*:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/.exec(roleArn);
    if (!m) return stsError(res, 400, "ValidationError", `1 validation error detected: Value '${roleArn.slice(0, 80)}' at 'roleArn' failed to satisfy constraint`);
    if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) return stsError(res, 400, "ValidationError", "1 validation error detected: Value at 'roleSessionName' failed to satisfy constraint");
    const duration = Math.min(43_200, Math.max(900, Number(form.get("DurationSeconds") ?? 3600) || 3600));
    const account = m[1]!;
    const temp: Caller = {
      accessKeyId: `ASIA${randomBytes(8).toString("hex").toUpperCase()}`,
      secretAccessKey: randomBytes(30).toString("base64"),
      sessionToken: randomBytes(96).toString("base64"),
      account,
      arn: `arn:aws:sts::${account}:assumed-role/${m[2]}/${sessionName}`,
      expiresAtMs: Date.now() + duration * 1000,
    };
    void caller; // any simulated principal may assume any role
    state.callers.set(temp.accessKeyId, temp);
    xml(
      res,
      200,
      `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">\n  <AssumeRoleResult>\n    <AssumedRoleUser>\n      <Arn>${temp.arn}</Arn>\n      <AssumedRoleId>AROA${randomBytes(8).toString("hex").toUpperCase()}:${sessionName}</AssumedRoleId>\n    </AssumedRoleUser>\n    <Credentials>\n      <AccessKeyId>${temp.accessKeyId}</AccessKeyId>\n      <SecretAccessKey>${temp.secretAccessKey}</SecretAccessKey>\n      <SessionToken>${temp.sessionToken}</SessionToken>\n      <Expiration>${new Date(temp.expiresAtMs!).toISOString().replace(/\.\d{3}Z$/, "Z")}</Expiration>\n    </Credentials>\n    <PackedPolicySize>6</PackedPolicySize>\n  </AssumeRoleResult>\n  <ResponseMetadata>\n    <RequestId>${randomUUID()}</RequestId>\n  </ResponseMetadata>\n</AssumeRoleResponse>\n`,
    );
  }

  function listEnvironments(url: URL, caller: Caller, region: string, res: ServerResponse): void {
    const maxRaw = url.searchParams.get("MaxResults");
    const max = maxRaw === null ? 25 : Number(maxRaw);
    if (!Number.isInteger(max) || max < 1 || max > 25) {
      return awsError(res, 400, "ValidationException", "1 validation error detected: Value at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 25");
    }
    let offset = 0;
    const token = url.searchParams.get("NextToken");
    if (token) {
      try {
        const t = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { o?: unknown; r?: unknown };
        if (typeof t.o !== "number" || t.r !== region) throw new Error("foreign token");
        offset = t.o;
      } catch {
        return awsError(res, 400, "ValidationException", "Invalid NextToken");
      }
    }
    const names = state.envs.filter((e) => e.account === caller.account && e.region === region && e.scenario !== "deleted").map((e) => e.name).sort();
    const page = names.slice(offset, offset + max);
    const body: Record<string, unknown> = { Environments: page };
    if (offset + max < names.length) body.NextToken = Buffer.from(JSON.stringify({ o: offset + max, r: region })).toString("base64url");
    send(res, 200, body);
  }

  function overQuota(env: MwaaEnv): boolean {
    const key = `${env.account}:${env.region}`;
    const now = performance.now();
    const recent = (state.restApiCalls.get(key) ?? []).filter((t) => now - t < 1000);
    recent.push(now);
    state.restApiCalls.set(key, recent);
    return recent.length > REST_API_TPS;
  }

  async function invokeRestApi(env: MwaaEnv, caller: Caller, body: string, res: ServerResponse): Promise<void> {
    let input: { Path?: unknown; Method?: unknown; QueryParameters?: unknown; Body?: unknown };
    try {
      input = JSON.parse(body || "{}");
    } catch {
      return awsError(res, 400, "SerializationException", "Request body is not valid JSON");
    }
    const { Path: path, Method: method } = input;
    if (typeof path !== "string" || path.length < 1 || path.length > 64) {
      return awsError(res, 400, "ValidationException", "1 validation error detected: Value at 'path' failed to satisfy constraint: Member must have length less than or equal to 64 and greater than or equal to 1");
    }
    if (typeof method !== "string" || !["GET", "PUT", "POST", "PATCH", "DELETE"].includes(method)) {
      return awsError(res, 400, "ValidationException", "1 validation error detected: Value at 'method' failed to satisfy enum value set: [GET, PUT, POST, PATCH, DELETE]");
    }
    if (env.scenario === "access-denied" || env.scenario === "cli-token-only") return denied(res, env, caller, "InvokeRestApi");
    if (env.scenario === "throttled" || overQuota(env)) return throttled(res, env);
    if (env.scenario === "private-only") {
      return awsError(res, 403, "AccessDeniedException", `InvokeRestApi for ${env.name} cannot be invoked from outside of the environment's VPC: its web server access mode is PRIVATE_ONLY.`);
    }
    if (env.scenario === "unavailable") {
      return send(res, 400, { RestApiStatusCode: 503, RestApiResponse: { error: "The web server is unavailable" } }, { "x-amzn-errortype": "RestApiServerException" });
    }
    const query: Record<string, string | string[]> = {};
    const q = input.QueryParameters;
    if (q && typeof q === "object" && !Array.isArray(q)) {
      for (const [k, v] of Object.entries(q)) query[k] = Array.isArray(v) ? v.map(String) : String(v);
    }
    let timer: NodeJS.Timeout | undefined;
    const out = await Promise.race([
      env.va.invoke(method, path, query, input.Body),
      new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), REST_API_TIMEOUT_MS))),
    ]).catch(() => null);
    clearTimeout(timer);
    if (!out) {
      return send(res, 400, { RestApiStatusCode: 504, RestApiResponse: { error: "The Airflow web server did not answer within 10 seconds" } }, { "x-amzn-errortype": "RestApiServerException" });
    }
    const envelope = { RestApiStatusCode: out.status, RestApiResponse: out.json ?? {} };
    if (out.status >= 500) return send(res, 400, envelope, { "x-amzn-errortype": "RestApiServerException" });
    if (out.status >= 400) return send(res, 400, envelope, { "x-amzn-errortype": "RestApiClientException" });
    send(res, 200, envelope);
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const method = (req.method ?? "GET").toUpperCase();
    const url = new URL(req.url ?? "/", "http://sim.invalid");
    const path = url.pathname;

    if (method === "POST" && path === "/" && /x-www-form-urlencoded/i.test(req.headers["content-type"] ?? "")) {
      const form = new URLSearchParams(body);
      ctx.count(CONTROL_PLANE_STATS_ID, `STS ${form.get("Action") ?? "?"}`);
      const who = authenticate(req, body, res, "sts");
      if (!who) return;
      if (form.get("Action") === "AssumeRole") return assumeRole(form, who.caller, res);
      return stsError(res, 400, "InvalidAction", `Could not find operation ${form.get("Action")} for version ${form.get("Version")}`);
    }

    const m = /^\/(environments|webtoken|clitoken|restapi)(?:\/([^/]+))?$/.exec(path);
    const op = m?.[1];
    const name = m?.[2] ? decodeURIComponent(m[2]) : undefined;
    const routeKey = op ? `${method} /${op}${name !== undefined ? "/{Name}" : ""}` : `${method} ${path}`;
    const known =
      (method === "GET" && op === "environments") || (method === "POST" && name !== undefined && (op === "webtoken" || op === "clitoken" || op === "restapi"));
    const statsId = (caller?: Caller, region?: string) =>
      (name !== undefined && caller && region && findEnv(name, caller, region)?.spec.id) || CONTROL_PLANE_STATS_ID;
    if (!known) {
      ctx.count(CONTROL_PLANE_STATS_ID, routeKey);
      return awsError(res, 404, "UnknownOperationException", `No operation matches ${method} ${path}`);
    }
    const who = authenticate(req, body, res, "airflow");
    if (!who) {
      ctx.count(statsId(), routeKey);
      return;
    }
    const { caller, region } = who;
    ctx.count(statsId(caller, region), routeKey);
    if (name === undefined) return listEnvironments(url, caller, region, res);
    const env = findEnv(name, caller, region);
    if (!env) return notFound(res, name);

    switch (op) {
      case "environments":
        if (env.scenario === "cli-token-only") return denied(res, env, caller, "GetEnvironment");
        return send(res, 200, { Environment: environmentBody(env, ctx.host, ctx.clock.now()) });
      case "webtoken": {
        if (env.scenario === "access-denied" || env.scenario === "cli-token-only") return denied(res, env, caller, "CreateWebLoginToken");
        if (env.scenario === "throttled") return throttled(res, env);
        const now = ctx.clock.now();
        for (const [t, v] of state.webTokens) if (v.expiresAtMs < now) state.webTokens.delete(t);
        const token = randomBytes(32).toString("base64url");
        state.webTokens.set(token, { env, expiresAtMs: now + WEB_TOKEN_TTL_MS });
        return send(res, 200, {
          WebToken: token,
          WebServerHostname: webHostname(env, ctx.host),
          IamIdentity: caller.arn,
          AirflowIdentity: `assumed-role/${caller.arn.split("/").slice(-2).join("/")}`.slice(0, 64),
        });
      }
      case "clitoken":
        if (env.scenario === "access-denied") return denied(res, env, caller, "CreateCliToken");
        if (env.scenario === "throttled") return throttled(res, env);
      {
        const now = ctx.clock.now();
        for (const [t, v] of state.cliTokens) if (v.expiresAtMs < now) state.cliTokens.delete(t);
        const token = randomBytes(32).toString("base64url");
        state.cliTokens.set(token, { env, expiresAtMs: now + WEB_TOKEN_TTL_MS });
        return send(res, 200, { CliToken: token, WebServerHostname: webHostname(env, ctx.host) });
      }
      default:
        return invokeRestApi(env, caller, body, res);
    }
  }

  return {
    handle(req, res) {
      route(req, res).catch(() => awsError(res, 500, "InternalServerException", "Internal server error"));
    },
  };
}
