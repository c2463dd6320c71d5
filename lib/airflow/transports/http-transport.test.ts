import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { airflowFailure } from "@/lib/testing/airflow-failure";
import type { ApiRequest, Transport } from "../transport";
import type { AirflowAuth } from "./auth-strategies";
import { jwtExpiry } from "./token-cache";
import { buildApiUrl, createHttpTransport } from "./http-transport";
import { fakeJwt, sendJson, startTestServer, type TestServer } from "./testing/http-server";

const PASSWORD = "pa$$-SECRET-word";
const TOKEN = "static-SECRET-token";
const limits = { timeoutMs: 2_000, maxBytes: 1_000_000 };
const signal = () => new AbortController().signal;
const get = (path: string, query?: ApiRequest["query"]): ApiRequest => ({ method: "GET", version: "v2", path, query });

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer((_req, res) => sendJson(res, 200, {}));
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

function transport(auth: AirflowAuth, over: { now?: () => number; prefix?: string } = {}): Transport {
  return createHttpTransport({ baseUrl: `${server.url}${over.prefix ?? ""}/`, auth, limits, now: over.now });
}

const failure = (p: Promise<unknown>) => airflowFailure(p, [/SECRET/]);

describe("URLs and plain auth", () => {
  it("builds URLs under the API root with a path prefix and repeated array keys", () => {
    expect(
      buildApiUrl("https://h.example/airflow/", {
        version: "v1",
        path: "/dags/~/dagRuns",
        query: { limit: 10, only_active: true, state: ["failed", "running"], skip: undefined },
      }),
    ).toBe("https://h.example/airflow/api/v1/dags/~/dagRuns?limit=10&only_active=true&state=failed&state=running");
  });

  it("sends no Authorization with auth none, and resolves JSON of any status", async () => {
    server.handle((_req, res) => sendJson(res, 404, { detail: "nope" }));
    const r = await transport({ type: "none" }, { prefix: "/pfx" }).send(get("/dags", { limit: 5 }), signal());
    expect(r).toEqual({ status: 404, json: { detail: "nope" } });
    expect(server.requests[0].url).toBe("/pfx/api/v2/dags?limit=5");
    expect(server.requests[0].headers.authorization).toBeUndefined();
    expect(server.requests[0].headers.accept).toBe("application/json");
  });

  it("sends Basic credentials", async () => {
    server.handle((_req, res) => sendJson(res, 200, { ok: 1 }));
    await transport({ type: "basic", username: "monitor", password: { env: "P", value: PASSWORD } }).send(get("/x"), signal());
    expect(server.requests[0].headers.authorization).toBe(`Basic ${Buffer.from(`monitor:${PASSWORD}`).toString("base64")}`);
  });

  it("sends a static bearer token and does not retry a 401 with it", async () => {
    server.handle((_req, res) => sendJson(res, 401, { detail: "Not authenticated" }));
    const r = await transport({ type: "bearer", token: { env: "T", value: TOKEN } }).send(get("/x"), signal());
    expect(r.status).toBe(401);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it("posts JSON bodies", async () => {
    server.handle((_req, res) => sendJson(res, 200, {}));
    await transport({ type: "none" }).send({ method: "POST", version: "v1", path: "/dags/~/dagRuns/list", body: { page_limit: 2 } }, signal());
    expect(server.requests[0].headers["content-type"]).toBe("application/json");
    expect(JSON.parse(server.requests[0].body)).toEqual({ page_limit: 2 });
  });

  it("reports an unset secret by its variable name, without calling the server", async () => {
    const err = await failure(
      transport({ type: "basic", username: "u", password: { env: "SALES_AIRFLOW_PASSWORD", value: undefined } }).send(get("/x"), signal()),
    );
    expect(err.kind).toBe("missing_secret");
    expect(err.message).toBe("environment variable SALES_AIRFLOW_PASSWORD is not set");
    const jwt = await failure(
      transport({ type: "jwt", username: "u", password: { env: "SALES_AIRFLOW_PASSWORD", value: undefined } }).send(get("/x"), signal()),
    );
    expect(jwt.kind).toBe("missing_secret");
    expect(server.requests).toHaveLength(0);
  });
});

describe("answers that are not JSON", () => {
  const t = () => transport({ type: "basic", username: "u", password: { env: "P", value: PASSWORD } });

  it("a redirect to a login page is an auth failure and is not followed", async () => {
    server.handle((_req, res) => {
      res.writeHead(302, { location: "/login/?next=/api/v2/dags&SECRET=1" });
      res.end();
    });
    const err = await failure(t().send(get("/dags"), signal()));
    expect(err.kind).toBe("auth");
    expect(err.message).toBe(`redirected to a login page (127.0.0.1:${server.port}/login/): the credentials are not accepted`);
    expect(server.requests).toHaveLength(1);
  });

  it.each<[string, number, Record<string, string>, string, Partial<{ kind: string; httpStatus: number; message: string }>]>([
    ["any other 3xx on an API call is an auth failure too", 307, { location: "https://elsewhere.example/api/v2/dags" }, "", { kind: "auth", httpStatus: 307 }],
    ["HTML with 200 is an auth failure (SSO page)", 200, { "content-type": "text/html" }, "<!doctype html><form>Sign in</form>",
      { kind: "auth", message: "an HTML page answered where JSON was expected — a login page or SSO proxy is in front of the API" }],
    ["HTML with 503 is an HTTP failure with the status", 503, { "content-type": "text/html" }, "<html>maintenance</html>", { kind: "http", httpStatus: 503, message: "Airflow answered HTTP 503" }],
    ["other non-JSON is a bad response", 200, { "content-type": "text/plain" }, "OK", { kind: "bad_response" }],
  ])("%s", async (_name, status, headers, body, expected) => {
    server.handle((_req, res) => {
      res.writeHead(status, headers);
      res.end(body);
    });
    const err = await failure(t().send(get("/dags"), signal()));
    expect({ kind: err.kind, httpStatus: err.httpStatus, message: err.message }).toMatchObject(expected);
  });
});

describe("Airflow 3 JWT", () => {
  const HOUR = 3600;
  let clock = 1_700_000_000_000;
  const now = () => clock;
  let logins = 0;
  let valid = new Set<string>();
  let loginDelayMs = 0;

  /** A minimal Airflow 3: `/auth/token` issues tokens, the API accepts only the current ones. */
  function airflow3(opts: { expired?: "401" | "403" } = {}) {
    server.handle(async (req, res) => {
      if (req.url === "/auth/token" && req.method === "POST") {
        const body = JSON.parse(req.body) as { username: string; password: string };
        if (body.password !== PASSWORD) return sendJson(res, 401, { detail: "Invalid credentials" });
        logins++;
        if (loginDelayMs) await new Promise((r) => setTimeout(r, loginDelayMs));
        const token = fakeJwt(Math.floor(clock / 1000) + HOUR, body.username, logins);
        valid.add(token);
        return sendJson(res, 201, { access_token: token });
      }
      const token = (req.headers.authorization ?? "").replace(/^Bearer /, "");
      if (!token) return sendJson(res, 401, { detail: "Not authenticated" });
      if (!valid.has(token)) {
        return opts.expired === "403" ? sendJson(res, 403, { detail: "Invalid JWT token" }) : sendJson(res, 401, { detail: "Token Expired" });
      }
      return sendJson(res, 200, { ok: true, token });
    });
  }

  const jwt = (password = PASSWORD): AirflowAuth => ({ type: "jwt", username: "monitor", password: { env: "P", value: password } });

  beforeEach(() => {
    logins = 0;
    valid = new Set();
    loginDelayMs = 0;
  });

  it("logs in once with JSON credentials and reuses the token", async () => {
    const t = transport(jwt(), { now, prefix: "/pfx" });
    server.handle((req, res) => {
      // the token endpoint sits at the web-server root under the prefix, not under /api/v2
      if (req.url === "/pfx/auth/token") return sendJson(res, 201, { access_token: fakeJwt(Math.floor(clock / 1000) + HOUR) });
      return sendJson(res, 200, { auth: req.headers.authorization });
    });
    const a = await t.send(get("/dags"), signal());
    const b = await t.send(get("/dags"), signal());
    expect(a).toEqual(b);
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual(["POST /pfx/auth/token", "GET /pfx/api/v2/dags", "GET /pfx/api/v2/dags"]);
    expect(JSON.parse(server.requests[0].body)).toEqual({ username: "monitor", password: PASSWORD });
    expect(server.requests[0].headers["content-type"]).toBe("application/json");
  });

  it("renews about 60 s before exp, not earlier", async () => {
    airflow3();
    const t = transport(jwt(), { now });
    const first = (await t.send(get("/x"), signal())).json as { token: string };
    const exp = jwtExpiry(first.token)!;
    clock = exp - 61_000;
    expect(((await t.send(get("/x"), signal())).json as { token: string }).token).toBe(first.token);
    expect(logins).toBe(1);
    clock = exp - 59_000;
    const renewed = (await t.send(get("/x"), signal())).json as { token: string };
    expect(renewed.token).not.toBe(first.token);
    expect(logins).toBe(2);
  });

  it("renews once on 401 Token Expired and retries the call", async () => {
    airflow3();
    const t = transport(jwt(), { now });
    await t.send(get("/x"), signal());
    valid.clear(); // the server revoked/expired every token
    const r = await t.send(get("/x"), signal());
    expect(r.status).toBe(200);
    expect(logins).toBe(2);
  });

  it("renews once on 403 Invalid JWT token", async () => {
    airflow3({ expired: "403" });
    const t = transport(jwt(), { now });
    await t.send(get("/x"), signal());
    valid.clear();
    expect((await t.send(get("/x"), signal())).status).toBe(200);
    expect(logins).toBe(2);
  });

  it("gives up after one renewal and resolves the 401 for the client to map", async () => {
    server.handle((req, res) =>
      req.url === "/auth/token" ? sendJson(res, 201, { access_token: fakeJwt(Math.floor(clock / 1000) + HOUR) }) : sendJson(res, 401, { detail: "Token Expired" }),
    );
    const r = await transport(jwt(), { now }).send(get("/x"), signal());
    expect(r.status).toBe(401);
    expect(server.requests.filter((q) => q.url === "/auth/token")).toHaveLength(2);
    expect(server.requests).toHaveLength(4);
  });

  it("does not renew on 403 Forbidden (a permission problem)", async () => {
    server.handle((req, res) =>
      req.url === "/auth/token" ? sendJson(res, 201, { access_token: fakeJwt(Math.floor(clock / 1000) + HOUR) }) : sendJson(res, 403, { detail: "Forbidden" }),
    );
    const r = await transport(jwt(), { now }).send(get("/x"), signal());
    expect(r.status).toBe(403);
    expect(server.requests).toHaveLength(2);
  });

  it("shares one login between concurrent calls", async () => {
    airflow3();
    loginDelayMs = 50;
    const t = transport(jwt(), { now });
    const results = await Promise.all(Array.from({ length: 8 }, () => t.send(get("/x"), signal())));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(logins).toBe(1);
  });

  it("concurrent 401s after expiry share one renewal", async () => {
    airflow3();
    const t = transport(jwt(), { now });
    await t.send(get("/x"), signal());
    valid.clear();
    loginDelayMs = 30;
    const results = await Promise.all(Array.from({ length: 5 }, () => t.send(get("/x"), signal())));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(logins).toBe(2);
  });

  it("a rejected login is an auth error naming the user, never the password", async () => {
    airflow3();
    const err = await failure(transport(jwt("wrong-SECRET"), { now }).send(get("/x"), signal()));
    expect(err.kind).toBe("auth");
    expect(err.message).toBe("Airflow rejected the login for user monitor (Invalid credentials)");
    expect(err.httpStatus).toBe(401);
  });

  it("a login answer without access_token is a bad response", async () => {
    server.handle((_req, res) => sendJson(res, 201, { token: "x" }));
    const err = await failure(transport(jwt(), { now }).send(get("/x"), signal()));
    expect(err.kind).toBe("bad_response");
  });

  it("a missing token endpoint (Airflow 2) is an auth error that says so", async () => {
    server.handle((_req, res) => {
      res.writeHead(404, { "content-type": "text/html" });
      res.end("<html>404</html>");
    });
    const err = await failure(transport(jwt(), { now }).send(get("/x"), signal()));
    expect([err.kind, err.httpStatus]).toEqual(["auth", 404]);
    expect(err.message).toBe(`no Airflow 3 login endpoint at 127.0.0.1:${server.port}/auth/token (HTTP 404): check the auth type and base URL`);
  });
});
