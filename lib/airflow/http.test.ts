import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { airflowFailure } from "@/lib/testing/airflow-failure";
import { AirflowError } from "./errors";
import { classifyNetworkError, hostPath, isHtml, isLoginRedirect, jsonFromUpstream, parseJsonBody, upstreamFetch, type UpstreamInit } from "./http";
import { closedPort, selfSignedCert, sendJson, startTestServer, type TestServer } from "./transports/testing/http-server";

const limits = { timeoutMs: 2_000, maxBytes: 10_000 };
const init = (over: Partial<UpstreamInit> = {}): UpstreamInit => ({
  method: "GET",
  headers: { authorization: "Bearer SECRET-TOKEN-123" },
  signal: new AbortController().signal,
  limits,
  ...over,
});

const failure = (p: Promise<unknown>) => airflowFailure(p, ["SECRET-TOKEN-123"]);

let server: TestServer;
let other: TestServer;

beforeAll(async () => {
  server = await startTestServer((_req, res) => sendJson(res, 200, { ok: true }));
  other = await startTestServer((_req, res) => sendJson(res, 200, { other: true }));
});
afterAll(async () => {
  await server.close();
  await other.close();
});

describe("upstreamFetch", () => {
  it("returns status, headers and text", async () => {
    server.handle((_req, res) => sendJson(res, 201, { hello: "wörld" }));
    const r = await upstreamFetch(`${server.url}/x`, init());
    expect(r.status).toBe(201);
    expect(r.headers.get("content-type")).toBe("application/json");
    expect(JSON.parse(r.text)).toEqual({ hello: "wörld" });
  });

  it("times out with the configured duration and host:port", async () => {
    server.handle(() => undefined); // never answers
    const started = Date.now();
    const err = await failure(upstreamFetch(`${server.url}/slow?token=abc`, init({ limits: { ...limits, timeoutMs: 200 } })));
    expect(err.kind).toBe("timeout");
    expect(err.message).toBe(`no answer within 0.2 s (127.0.0.1:${server.port})`);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it("times out while the body is still streaming", async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write("[1,"); // and never ends
    });
    const err = await failure(upstreamFetch(`${server.url}/`, init({ limits: { ...limits, timeoutMs: 200 } })));
    expect(err.kind).toBe("timeout");
  });

  it("reports a caller's cancellation as a cancelled call", async () => {
    server.handle(() => undefined);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const err = await failure(upstreamFetch(`${server.url}/`, init({ signal: ac.signal })));
    expect(err.kind).toBe("timeout");
    expect(err.message).toContain("cancelled");
  });

  it("classifies a refused connection", async () => {
    const port = await closedPort();
    const err = await failure(upstreamFetch(`http://127.0.0.1:${port}/api/v1/health?secret=x`, init()));
    expect(err.kind).toBe("connection");
    expect(err.message).toBe(`connection refused by 127.0.0.1:${port}`);
    expect(err.message).not.toContain("secret");
  });

  it("classifies a connection closed before the answer", async () => {
    server.handle((_req, res) => {
      res.socket?.destroy();
    });
    const err = await failure(upstreamFetch(`${server.url}/`, init()));
    expect(err.kind).toBe("connection");
    expect(err.message).toMatch(/closed the connection|reset/);
    expect(err.message).toContain(`127.0.0.1:${server.port}`);
  });

  it("says why fetch refuses a blocked port such as 9", async () => {
    const err = await failure(upstreamFetch("http://127.0.0.1:9/", init()));
    expect(err.kind).toBe("connection");
    expect(err.message).toContain("127.0.0.1:9");
    expect(err.message).toContain("bad port");
  });

  it("puts other socket error codes into words", () => {
    const e = new TypeError("fetch failed", { cause: Object.assign(new Error("x"), { code: "EADDRNOTAVAIL" }) });
    expect(classifyNetworkError(e, "h:1", 1000).message).toBe("the address is not available from this machine (h:1)");
  });

  it("classifies an unknown host as a DNS failure", async () => {
    const err = await failure(upstreamFetch("http://no-such-host.invalid:8080/", init()));
    expect(err.kind).toBe("connection");
    expect(err.message).toBe("DNS lookup failed for no-such-host.invalid");
  });

  it("rejects a body over the size cap while streaming (no content-length)", async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      for (let i = 0; i < 20; i++) res.write("x".repeat(1000));
      res.end();
    });
    const err = await failure(upstreamFetch(`${server.url}/`, init()));
    expect(err.kind).toBe("bad_response");
    expect(err.message).toContain("larger than the 9.8 KB limit");
  });

  it("rejects a declared content-length over the cap before reading", async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "50000" });
      res.write("{");
    });
    const err = await failure(upstreamFetch(`${server.url}/`, init()));
    expect(err.kind).toBe("bad_response");
  });

  it("accepts a body exactly at the cap", async () => {
    server.handle((_req, res) => {
      res.end("y".repeat(limits.maxBytes));
    });
    const r = await upstreamFetch(`${server.url}/`, init());
    expect(r.text.length).toBe(limits.maxBytes);
  });

  it("never follows a redirect, so credentials never reach another origin", async () => {
    other.requests.length = 0;
    server.handle((_req, res) => {
      res.writeHead(302, { location: `${other.url}/steal` });
      res.end();
    });
    const r = await upstreamFetch(`${server.url}/`, init());
    expect(r.status).toBe(302);
    expect(r.headers.get("location")).toBe(`${other.url}/steal`);
    expect(other.requests).toHaveLength(0);
  });

  it("refuses a URL that carries credentials without echoing them", async () => {
    const err = await failure(upstreamFetch(`http://user:SECRET-TOKEN-123@127.0.0.1:${server.port}/`, init()));
    expect(err.kind).toBe("auth");
  });
});

describe("TLS", () => {
  const cert = selfSignedCert();
  let tlsServer: TestServer | undefined;
  beforeAll(async () => {
    if (cert) tlsServer = await startTestServer((_req, res) => sendJson(res, 200, {}), cert);
  });
  afterAll(async () => {
    await tlsServer?.close();
  });

  it.skipIf(!cert)("classifies a self-signed certificate as a TLS failure (openssl needed)", async () => {
    const err = await failure(upstreamFetch(`${tlsServer!.url}/`, init()));
    expect(err.kind).toBe("tls");
    expect(err.message).toContain(`127.0.0.1:${tlsServer!.port}`);
    expect(err.message).toContain("DEPTH_ZERO_SELF_SIGNED_CERT");
    expect(err.message).toContain("NODE_EXTRA_CA_CERTS");
  });

  it("classifies TLS spoken to a plain HTTP server as a handshake failure", async () => {
    const err = await failure(upstreamFetch(`https://127.0.0.1:${server.port}/`, init()));
    expect(err.kind).toBe("tls");
    expect(err.message).toContain("handshake");
  });
});

describe("helpers", () => {
  it("isHtml", () => {
    expect(isHtml("text/html; charset=utf-8", "")).toBe(true);
    expect(isHtml(null, "  <!DOCTYPE html>")).toBe(true);
    expect(isHtml("application/json", '{"a":1}')).toBe(false);
  });

  it("isLoginRedirect", () => {
    expect(isLoginRedirect(302, "/login/?next=%2Fapi%2Fv1%2Fdags")).toBe(true);
    expect(isLoginRedirect(302, "https://accounts.google.com/o/oauth2/v2/auth?client_id=x")).toBe(true);
    expect(isLoginRedirect(303, "https://idp.example.com/signin")).toBe(true);
    expect(isLoginRedirect(302, "/home")).toBe(false);
    expect(isLoginRedirect(200, "/login")).toBe(false);
  });

  it("parseJsonBody", () => {
    expect(parseJsonBody("", "x")).toBeUndefined();
    expect(parseJsonBody('{"a":1}', "x")).toEqual({ a: 1 });
    expect(() => parseJsonBody("nope", "the DAG list", 200)).toThrow(/the DAG list is not JSON \(HTTP 200\)/);
  });

  it("hostPath drops query strings", () => {
    expect(hostPath("https://idp.example.com/login?token=abc#x")).toBe("idp.example.com/login");
  });

  const res = (status: number, text: string, headers: Record<string, string> = {}) => ({ status, text, headers: new Headers(headers) });
  const judge = (r: ReturnType<typeof res>) => {
    try {
      return jsonFromUpstream(r, "http://a.example/api/v1/dags?limit=1");
    } catch (e) {
      return e as AirflowError;
    }
  };

  it("jsonFromUpstream judges answers", () => {
    expect(judge(res(200, '{"a":1}'))).toEqual({ status: 200, json: { a: 1 } });
    expect(judge(res(404, '{"detail":"x"}'))).toEqual({ status: 404, json: { detail: "x" } });
    expect(judge(res(204, ""))).toEqual({ status: 204, json: undefined });
    const login = judge(res(302, "", { location: "https://sso.example.com/login?state=SECRET" })) as AirflowError;
    expect(login.kind).toBe("auth");
    expect(login.message).toBe("redirected to a login page (sso.example.com/login): the credentials are not accepted");
    expect((judge(res(301, "", { location: "/elsewhere" })) as AirflowError).kind).toBe("auth");
    const html = judge(res(200, "<html>login</html>", { "content-type": "text/html" })) as AirflowError;
    expect(html.kind).toBe("auth");
    expect(html.message).toContain("an HTML page answered where JSON was expected");
    expect((judge(res(401, "<html/>")) as AirflowError).kind).toBe("auth");
    const gw = judge(res(502, "<html>bad gateway</html>", { "content-type": "text/html" })) as AirflowError;
    expect([gw.kind, gw.httpStatus, gw.message]).toEqual(["http", 502, "Airflow answered HTTP 502"]);
    const nf = judge(res(404, "<html>404</html>", { "content-type": "text/html" })) as AirflowError;
    expect([nf.kind, nf.httpStatus]).toEqual(["bad_response", 404]);
    const txt = judge(res(200, "hello", { "content-type": "text/plain" })) as AirflowError;
    expect(txt.kind).toBe("bad_response");
    expect((judge(res(429, "slow down")) as AirflowError).kind).toBe("throttled");
  });
});
