import { existsSync, readFileSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { resolve } from "node:path";
import { Hash } from "@smithy/hash-node";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator } from "../index";
import { ensureSimCaSync } from "../tls";
import type { SimEnvironmentSpec, Simulator } from "../types";

/**
 * The simulated MWAA control plane against the service model (`../shared/mwaa/service-2.json`):
 * every answer is validated member by member (names, types, required members, enums, lengths,
 * patterns, epoch-second timestamps), errors by status, `x-amzn-errortype` and body shape. Then the
 * web servers' login flows over TLS (the CA passed explicitly, so no NODE_EXTRA_CA_CERTS needed).
 */

const MODEL_PATH = resolve(import.meta.dirname, "../../../shared/mwaa/service-2.json");
const HAVE_MODEL = existsSync(MODEL_PATH);
if (!HAVE_MODEL) console.warn(`[sim/mwaa] contract tests skipped: ${MODEL_PATH} is absent`);

interface Shape {
  type: string;
  members?: Record<string, { shape: string; location?: string }>;
  required?: string[];
  member?: { shape: string };
  key?: { shape: string };
  value?: { shape: string };
  enum?: string[];
  min?: number;
  max?: number;
  pattern?: string;
  document?: boolean;
  error?: { httpStatusCode: number };
}
interface Model {
  shapes: Record<string, Shape>;
  operations: Record<string, { output?: { shape: string }; errors?: Array<{ shape: string }> }>;
}
const model: Model | null = HAVE_MODEL ? (JSON.parse(readFileSync(MODEL_PATH, "utf8")) as Model) : null;

/**
 * Known, deliberate deviations: MWAA returns `WebserverUrl` as a bare hostname although the model's
 * pattern says `https://.+` (see notes §1), and on loopback every hostname carries a `:port`.
 */
function patternSubject(shapeName: string, value: string): string {
  if (shapeName === "WebserverUrl") return `https://${value}`;
  if (shapeName === "Hostname") return value.replace(/:\d+$/, "");
  return value;
}

function validate(shapeName: string, value: unknown, path: string, errors: string[]): void {
  const s = model!.shapes[shapeName]!;
  const fail = (m: string): void => {
    errors.push(`${path}: ${m}`);
  };
  if (s.document) return;
  switch (s.type) {
    case "structure": {
      if (!value || typeof value !== "object" || Array.isArray(value)) return fail(`expected object (${shapeName})`);
      const o = value as Record<string, unknown>;
      for (const r of s.required ?? []) if (!(r in o) && s.members![r]!.location === undefined) fail(`missing required ${r}`);
      for (const [k, v] of Object.entries(o)) {
        const m = s.members?.[k];
        if (!m) fail(`unknown member ${k} of ${shapeName}`);
        else if (v !== null) validate(m.shape, v, `${path}.${k}`, errors);
      }
      return;
    }
    case "list":
      if (!Array.isArray(value)) return fail("expected list");
      if (s.min !== undefined && value.length < s.min) fail(`fewer than ${s.min} items`);
      if (s.max !== undefined && value.length > s.max) fail(`more than ${s.max} items`);
      value.forEach((v, i) => validate(s.member!.shape, v, `${path}[${i}]`, errors));
      return;
    case "map":
      if (!value || typeof value !== "object" || Array.isArray(value)) return fail("expected map");
      for (const [k, v] of Object.entries(value)) {
        validate(s.key!.shape, k, `${path}{key}`, errors);
        validate(s.value!.shape, v, `${path}.${k}`, errors);
      }
      return;
    case "string": {
      if (typeof value !== "string") return fail(`expected string, got ${typeof value}`);
      if (s.enum && !s.enum.includes(value)) fail(`${value} is not one of ${s.enum.join("|")}`);
      if (s.min !== undefined && value.length < s.min) fail(`shorter than ${s.min}`);
      if (s.max !== undefined && value.length > s.max) fail(`longer than ${s.max}`);
      if (s.pattern && !new RegExp(s.pattern, "u").test(patternSubject(shapeName, value))) fail(`${value} does not match ${s.pattern}`);
      return;
    }
    case "integer":
    case "long":
      if (!Number.isInteger(value)) return fail("expected integer");
      if (s.min !== undefined && (value as number) < s.min) fail(`below ${s.min}`);
      if (s.max !== undefined && (value as number) > s.max) fail(`above ${s.max}`);
      return;
    case "boolean":
      if (typeof value !== "boolean") fail("expected boolean");
      return;
    case "timestamp":
      // restJson1 body timestamps: epoch seconds as a JSON number (the SDK rejects strings).
      if (typeof value !== "number" || value < 1e9 || value > 1e10) fail(`expected epoch seconds, got ${JSON.stringify(value)}`);
      return;
    default:
      fail(`unhandled shape type ${s.type}`);
  }
}

function expectShape(shapeName: string, value: unknown): void {
  const errors: string[] = [];
  validate(shapeName, value, shapeName, errors);
  expect(errors).toEqual([]);
}

const SPECS: SimEnvironmentSpec[] = [
  { id: "env-a2", kind: "mwaa", airflowVersion: "2.10.3", scenario: "healthy", dagCount: 3, tags: { team: "sales" } },
  { id: "env-a3", kind: "mwaa", airflowVersion: "3.0.6", scenario: "healthy", dagCount: 3 },
  { id: "env-upd", kind: "mwaa", airflowVersion: "2.11.0", scenario: "updating", dagCount: 3 },
  { id: "env-unav", kind: "mwaa", airflowVersion: "2.11.0", scenario: "unavailable", dagCount: 3 },
  { id: "env-priv", kind: "mwaa", airflowVersion: "3.0.6", scenario: "private-only", dagCount: 3 },
  { id: "env-denied", kind: "mwaa", airflowVersion: "2.10.3", scenario: "access-denied", dagCount: 3 },
  { id: "env-thr", kind: "mwaa", airflowVersion: "2.10.3", scenario: "throttled", dagCount: 3 },
  { id: "env-failed", kind: "mwaa", airflowVersion: "2.10.3", scenario: "healthy", dagCount: 3, options: { status: "UPDATE_FAILED" } },
];

let sim: Simulator;
let endpoint: URL;
let now = Date.now();

interface Answer {
  status: number;
  headers: Headers;
  json: Record<string, unknown>;
}

async function call(method: string, path: string, opts: { query?: Record<string, string>; body?: unknown; secret?: string; sign?: boolean } = {}): Promise<Answer> {
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  let headers: Record<string, string> = { host: endpoint.host, ...(body ? { "content-type": "application/json" } : {}) };
  if (opts.sign !== false) {
    const signer = new SignatureV4({
      service: "airflow",
      region: "us-east-1",
      credentials: { accessKeyId: sim.processEnv.AWS_ACCESS_KEY_ID!, secretAccessKey: opts.secret ?? sim.processEnv.AWS_SECRET_ACCESS_KEY! },
      sha256: Hash.bind(null, "sha256"),
    });
    const req = await signer.sign(new HttpRequest({ method, protocol: "http:", hostname: endpoint.hostname, port: Number(endpoint.port), path, query: opts.query, headers, body }));
    headers = req.headers as Record<string, string>;
  }
  delete headers.host;
  const qs = new URLSearchParams(opts.query ?? {}).toString().replace(/\+/g, "%20");
  const res = await fetch(`${endpoint.origin}${path}${qs ? `?${qs}` : ""}`, { method, headers, body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

function expectError(a: Answer, type: string, modeled = true): void {
  expect(a.headers.get("x-amzn-errortype")?.split(":")[0]).toBe(type);
  if (modeled && model?.shapes[type]) {
    expect(a.status).toBe(model.shapes[type]!.error!.httpStatusCode);
    expectShape(type, a.json);
  }
}

beforeAll(async () => {
  sim = await startSimulator({ environments: SPECS, clock: { now: () => now } });
  endpoint = new URL(sim.processEnv.AWS_ENDPOINT_URL_MWAA!);
});
afterAll(async () => sim?.close());

describe.skipIf(!HAVE_MODEL)("MWAA control plane vs the service model", () => {
  it("ListEnvironments: output shape, paging with an opaque NextToken, MaxResults bounds", async () => {
    const all = await call("GET", "/environments");
    expect(all.status).toBe(200);
    expectShape(model!.operations.ListEnvironments!.output!.shape, all.json);
    expect(all.json.Environments).toEqual(SPECS.map((s) => s.id).sort());
    const p1 = await call("GET", "/environments", { query: { MaxResults: "3" } });
    expectShape("ListEnvironmentsOutput", p1.json);
    expect(p1.json.Environments).toHaveLength(3);
    const p2 = await call("GET", "/environments", { query: { MaxResults: "25", NextToken: String(p1.json.NextToken) } });
    expect([...(p1.json.Environments as string[]), ...(p2.json.Environments as string[])]).toEqual(all.json.Environments);
    expect(p2.json.NextToken).toBeUndefined();
    expectError(await call("GET", "/environments", { query: { MaxResults: "26" } }), "ValidationException");
  });

  it.each(SPECS.map((s) => [s.id, s] as const))("GetEnvironment %s: output shape and state", async (id, spec) => {
    const a = await call("GET", `/environments/${id}`);
    expect(a.status).toBe(200);
    expectShape(model!.operations.GetEnvironment!.output!.shape, a.json);
    const env = a.json.Environment as Record<string, unknown>;
    const want = { "env-upd": "UPDATING", "env-unav": "UNAVAILABLE", "env-failed": "UPDATE_FAILED" }[id] ?? "AVAILABLE";
    expect(env).toMatchObject({ Name: id, Status: want, AirflowVersion: spec.airflowVersion });
    expect(env.WebserverUrl).toMatch(/^127\.0\.0\.1:\d+$/); // bare host, as MWAA answers
    expect(env.WebserverAccessMode).toBe(id === "env-priv" ? "PRIVATE_ONLY" : "PUBLIC_ONLY");
  });

  it("GetEnvironment of an unknown name: 404 ResourceNotFoundException", async () => {
    expectError(await call("GET", "/environments/nope"), "ResourceNotFoundException");
  });

  it("CreateWebLoginToken / CreateCliToken: output shapes, AccessDenied naming the Airflow role, throttling", async () => {
    const w = await call("POST", "/webtoken/env-a2");
    expect(w.status).toBe(200);
    expectShape(model!.operations.CreateWebLoginToken!.output!.shape, w.json);
    expect(w.json.WebServerHostname).toBe(new URL(sim.url("env-a2")).host);
    const c = await call("POST", "/clitoken/env-a3");
    expectShape(model!.operations.CreateCliToken!.output!.shape, c.json);
    const d = await call("POST", "/webtoken/env-denied");
    expectError(d, "AccessDeniedException");
    expect(d.json.Message).toMatch(/airflow:CreateWebLoginToken on resource: arn:aws:airflow:us-east-1:\d{12}:role\/env-denied\/Viewer.*Airflow role/);
    const t = await call("POST", "/webtoken/env-thr");
    expect(t.status).toBe(429);
    expectError(t, "ThrottlingException", false);
  });

  it("InvokeRestApi: output shape, Airflow errors wrapped as RestApiClientException, Path limit", async () => {
    const ok = await call("POST", "/restapi/env-a2", { body: { Path: "/dags", Method: "GET", QueryParameters: { limit: "2" } } });
    expect(ok.status).toBe(200);
    expectShape(model!.operations.InvokeRestApi!.output!.shape, ok.json);
    expect(ok.json.RestApiStatusCode).toBe(200);
    expect((ok.json.RestApiResponse as { dags: unknown[] }).dags).toHaveLength(2);
    const v3 = await call("POST", "/restapi/env-a3", { body: { Path: "/monitor/health", Method: "GET" } });
    expect(v3.json.RestApiStatusCode).toBe(200);
    const missing = await call("POST", "/restapi/env-a2", { body: { Path: "/dags/nope", Method: "GET" } });
    expectError(missing, "RestApiClientException");
    expect(missing.json.RestApiStatusCode).toBe(404);
    expectError(await call("POST", "/restapi/env-a2", { body: { Path: `/${"x".repeat(64)}`, Method: "GET" } }), "ValidationException");
    expectError(await call("POST", "/restapi/env-a2", { body: { Path: "/dags", Method: "HEAD" } }), "ValidationException");
    expectError(await call("POST", "/restapi/env-unav", { body: { Path: "/dags", Method: "GET" } }), "RestApiServerException");
  });

  it("refuses unsigned, badly signed and unknown-key requests with 403", async () => {
    const unsigned = await call("GET", "/environments", { sign: false });
    expect(unsigned.status).toBe(403);
    const bad = await call("GET", "/environments/env-a2", { secret: "not-the-secret" });
    expect(bad.status).toBe(403);
    expectError(bad, "InvalidSignatureException", false);
    expect(bad.json.message).toMatch(/signature we calculated does not match/);
  });
});

/** HTTPS to a simulated web server, trusting the simulator CA explicitly. */
function web(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const ca = ensureSimCaSync().caCert;
  return new Promise((resolvePromise, reject) => {
    const req = httpsRequest(url, { method: init.method ?? "GET", headers: init.headers, ca, agent: false }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolvePromise({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end(init.body);
  });
}

async function webToken(id: string): Promise<string> {
  return String((await call("POST", `/webtoken/${id}`)).json.WebToken);
}

const form = (token: string) => ({ method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: `token=${encodeURIComponent(token)}` });

describe("MWAA web servers (TLS, both login flows)", () => {
  it("Airflow 2: single-use token → session cookie → /api/v1; no cookie → 401; wrong login path → 404", async () => {
    const base = sim.url("env-a2");
    const token = await webToken("env-a2");
    expect((await web(`${base}/pluginsv2/aws_mwaa/login`, form(token))).status).toBe(404);
    const login = await web(`${base}/aws_mwaa/login`, form(await webToken("env-a2")));
    expect(login.status).toBe(302);
    const cookie = String(login.headers["set-cookie"]).match(/session=([^;]+)/)![1]!;
    expect((await web(`${base}/api/v1/dags`, { headers: { cookie: `session=${cookie}` } })).status).toBe(200);
    expect((await web(`${base}/api/v1/dags`)).status).toBe(401);
  });

  it("web login tokens are single-use and expire after 60 s", async () => {
    const base = sim.url("env-a2");
    const token = await webToken("env-a2");
    expect((await web(`${base}/aws_mwaa/login`, form(token))).status).toBe(302);
    expect((await web(`${base}/aws_mwaa/login`, form(token))).status).toBe(403);
    const late = await webToken("env-a2");
    now += 61_000;
    expect((await web(`${base}/aws_mwaa/login`, form(late))).status).toBe(403);
  });

  it("Airflow 3: /pluginsv2/aws_mwaa/login → _token JWT, accepted as Bearer on /api/v2", async () => {
    const base = sim.url("env-a3");
    const login = await web(`${base}/pluginsv2/aws_mwaa/login`, form(await webToken("env-a3")));
    expect(login.status).toBe(302);
    const jwt = String(login.headers["set-cookie"]).match(/_token=([^;]+)/)![1]!;
    expect(JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString()).exp).toBeGreaterThan(now / 1000);
    expect((await web(`${base}/api/v2/dags`, { headers: { authorization: `Bearer ${jwt}` } })).status).toBe(200);
    expect((await web(`${base}/api/v2/dags`)).status).toBe(401);
  });

  it("private-only: the reported web server hostname refuses connections", async () => {
    const env = (await call("GET", "/environments/env-priv")).json.Environment as { WebserverUrl: string };
    await expect(web(`https://${env.WebserverUrl}/api/v2/monitor/health`)).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });
});
