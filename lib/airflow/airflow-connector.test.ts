import type { ServerResponse } from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { airflowFailure } from "@/lib/testing/airflow-failure";
import { createAirflowConnector, type AirflowConnectorSettings } from "./airflow-connector";
import { closedPort, sendJson, startTestServer, type SeenRequest, type TestServer } from "./transports/testing/http-server";

/**
 * The connector against a scripted Airflow on loopback. Each test sets `routes` (path without
 * query → handler); anything else gets what that Airflow major would answer for an unknown path.
 */

type Route = (req: SeenRequest, res: ServerResponse) => void;
let routes: Record<string, Route> = {};
let major: 2 | 3 = 2;
let server: TestServer;

const health = {
  metadatabase: { status: "healthy" },
  scheduler: { status: "healthy", latest_scheduler_heartbeat: "2024-11-23T11:09:16.663124+00:00" },
  triggerer: { status: null, latest_triggerer_heartbeat: null },
};
const run = (dagId: string, runId: string, state = "success") => ({
  dag_id: dagId,
  dag_run_id: runId,
  state,
  run_type: "scheduled",
  logical_date: "2024-01-01T00:00:00+00:00",
  start_date: "2024-01-01T00:00:05+00:00",
  end_date: "2024-01-01T00:01:00+00:00",
});

function unknownPath(req: SeenRequest, res: ServerResponse) {
  if (major === 3 && req.url.startsWith("/api/v1/")) {
    return sendJson(res, 404, { error: "/api/v1 has been removed in Airflow 3, please use its upgraded version /api/v2 instead." });
  }
  if (major === 2 && req.url.startsWith("/api/v1/")) {
    return sendJson(res, 404, { title: "Not Found", status: 404, detail: "The requested URL was not found on the server." });
  }
  if (major === 3) return sendJson(res, 404, { error: "API route not found" });
  res.writeHead(404, { "content-type": "text/html" });
  res.end("<!DOCTYPE html><title>Airflow 404</title>");
}

/** A plain Airflow of the given major at the root of the test server. */
function airflow(m: 2 | 3, extra: Record<string, Route> = {}) {
  major = m;
  const api = m === 2 ? "/api/v1" : "/api/v2";
  routes = {
    [`${api}/version`]: (_q, res) => sendJson(res, 200, { version: m === 2 ? "2.10.5" : "3.1.0", git_version: null }),
    [m === 2 ? `${api}/health` : `${api}/monitor/health`]: (_q, res) => sendJson(res, 200, health),
    [`${api}/dags`]: (_q, res) => sendJson(res, 200, { dags: [{ dag_id: "a", is_paused: false, [m === 2 ? "is_active" : "is_stale"]: m === 2 }], total_entries: 1 }),
    [`${api}/dags/~/dagRuns`]: (_q, res) => sendJson(res, 200, { dag_runs: [run("a", "r1")], total_entries: 1 }),
    [`${api}/importErrors`]: (_q, res) => sendJson(res, 200, { import_errors: [], total_entries: 0 }),
    ...extra,
  };
}

beforeAll(async () => {
  server = await startTestServer((req, res) => {
    const path = req.url.split("?")[0];
    (routes[path] ?? unknownPath)(req, res);
  });
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  airflow(2);
});

const signal = () => new AbortController().signal;
const connector = (over: Partial<AirflowConnectorSettings> = {}) =>
  createAirflowConnector({
    baseUrl: `${server.url}/`,
    apiVersion: "auto",
    auth: { type: "none" },
    limits: { timeoutMs: 2_000, maxBytes: 1_000_000 },
    ...over,
  });
const paths = () => server.requests.map((r) => `${r.method} ${r.url}`);

describe("version detection", () => {
  it("detects Airflow 2 after an HTML 404 on /api/v2/version and keeps it", async () => {
    const c = connector();
    expect(c.apiVersion()).toBeNull();
    expect(await c.getVersion(signal())).toEqual({ version: "2.10.5", gitVersion: null });
    expect(c.apiVersion()).toBe("v1");
    const h = await c.getHealth(signal());
    expect(h.schedulerHeartbeat).toBe("2024-11-23T11:09:16.663Z");
    expect(paths()).toEqual(["GET /api/v2/version", "GET /api/v1/version", "GET /api/v1/health"]);
  });

  it("detects Airflow 3 and uses /api/v2/monitor/health", async () => {
    airflow(3);
    const c = connector();
    const h = await c.getHealth(signal());
    expect(h.dagProcessor).toBeNull();
    expect(c.apiVersion()).toBe("v2");
    expect(paths()).toEqual(["GET /api/v2/version", "GET /api/v2/monitor/health"]);
  });

  it("concurrent first calls share one detection", async () => {
    airflow(3);
    const c = connector();
    await Promise.all([c.getHealth(signal()), c.listDags({ offset: 0, limit: 10 }, signal()), c.getVersion(signal())]);
    expect(paths().filter((p) => p.includes("/version"))).toHaveLength(1);
  });

  it("re-detects once when the API root answers 404 after an upgrade", async () => {
    const c = connector();
    await c.getHealth(signal());
    expect(c.apiVersion()).toBe("v1");
    airflow(3); // upgraded: /api/v1 is gone
    server.requests.length = 0;
    const dags = await c.listDags({ offset: 0, limit: 10 }, signal());
    expect(dags.items[0]).toMatchObject({ dagId: "a", active: true });
    expect(c.apiVersion()).toBe("v2");
    expect(paths()).toEqual(["GET /api/v1/dags?only_active=true&limit=10&offset=0", "GET /api/v2/version", "GET /api/v2/dags?exclude_stale=true&limit=10&offset=0"]);
  });

  it("does not detect when the version is configured", async () => {
    airflow(3);
    const c = connector({ apiVersion: "v2" });
    expect(c.apiVersion()).toBe("v2");
    await c.getHealth(signal());
    expect(paths()).toEqual(["GET /api/v2/monitor/health"]);
  });

  it("no API under either root is an http error naming the place", async () => {
    routes = {};
    const err = await airflowFailure(connector({ baseUrl: `${server.url}/prefix` }).getHealth(signal()));
    expect([err.kind, err.httpStatus]).toEqual(["http", 404]);
    expect(err.message).toBe(`no Airflow REST API at 127.0.0.1:${server.port}/prefix: /api/v2/version and /api/v1/version both answered 404`);
  });

  it("transport failures during detection surface as they are", async () => {
    const port = await closedPort();
    const err = await airflowFailure(connector({ baseUrl: `http://127.0.0.1:${port}` }).getHealth(signal()));
    expect(err.kind).toBe("connection");
  });
});

describe("calls and error mapping", () => {
  it("asks for non-stale DAGs with paging", async () => {
    airflow(3);
    const c = connector({ apiVersion: "v2" });
    const page = await c.listDags({ offset: 100, limit: 50 }, signal());
    expect(page.total).toBe(1);
    expect(paths()).toEqual(["GET /api/v2/dags?exclude_stale=true&limit=50&offset=100"]);
  });

  it("lists runs incrementally by updated_at on both versions", async () => {
    for (const m of [2, 3] as const) {
      airflow(m);
      server.requests.length = 0;
      const c = connector({ apiVersion: m === 2 ? "v1" : "v2" });
      const page = await c.listRuns({ updatedAtGte: "2024-01-01T00:00:00.000Z", offset: 0, limit: 100 }, signal());
      expect(page.items[0]).toMatchObject({ runId: "r1", updatedAt: "2024-01-01T00:01:00.000Z" });
      const url = new URL(server.requests[0].url, server.url);
      expect(url.pathname).toBe(`/api/${m === 2 ? "v1" : "v2"}/dags/~/dagRuns`);
      expect(Object.fromEntries(url.searchParams)).toEqual({
        limit: "100",
        offset: "0",
        order_by: "updated_at",
        updated_at_gte: "2024-01-01T00:00:00.000Z",
      });
    }
  });

  it("falls back to start_date ordering on an Airflow 2 that rejects updated_at (and remembers)", async () => {
    airflow(2, {
      "/api/v1/dags/~/dagRuns": (q, res) =>
        q.url.includes("updated_at")
          ? sendJson(res, 400, { title: "Bad Request", status: 400, detail: "Extra query parameter(s) updated_at_gte not in spec" })
          : sendJson(res, 200, { dag_runs: [], total_entries: 0 }),
    });
    const c = connector({ apiVersion: "v1" });
    await c.listRuns({ updatedAtGte: "2024-01-01T00:00:00.000Z", offset: 0, limit: 10 }, signal());
    await c.listRuns({ updatedAtGte: "2024-01-02T00:00:00.000Z", offset: 0, limit: 10 }, signal());
    expect(server.requests).toHaveLength(3);
    expect(server.requests[2].url).toContain("order_by=start_date&start_date_gte=2024-01-02");
  });

  it("newest-first runs order by -start_date", async () => {
    const c = connector({ apiVersion: "v1" });
    await c.listRuns({ startDateGte: "2024-01-01T00:00:00.000Z", newestFirst: true, offset: 0, limit: 10 }, signal());
    expect(server.requests[0].url).toBe("/api/v1/dags/~/dagRuns?limit=10&offset=0&start_date_gte=2024-01-01T00%3A00%3A00.000Z&order_by=-start_date");
  });

  it("one DAG's runs: encoded id, newest first, unknown DAG → not_found", async () => {
    airflow(3, {
      "/api/v2/dags/a%2Fb%20c/dagRuns": (_q, res) => sendJson(res, 200, { dag_runs: [run("a/b c", "r2", "failed")], total_entries: 1 }),
      "/api/v2/dags/ghost/dagRuns": (_q, res) => sendJson(res, 404, { detail: "The DAG with dag_id: `ghost` was not found" }),
    });
    const c = connector({ apiVersion: "v2" });
    const runs = await c.listDagRuns("a/b c", 5, signal());
    expect(runs.map((r) => [r.dagId, r.state])).toEqual([["a/b c", "failed"]]);
    expect(server.requests[0].url).toBe("/api/v2/dags/a%2Fb%20c/dagRuns?order_by=-start_date&limit=5");
    const err = await airflowFailure(c.listDagRuns("ghost", 5, signal()));
    expect([err.kind, err.httpStatus]).toEqual(["not_found", 404]);
  });

  it("Airflow 2's empty run list for an unknown DAG is confirmed as not_found", async () => {
    airflow(2, {
      "/api/v1/dags/ghost/dagRuns": (_q, res) => sendJson(res, 200, { dag_runs: [], total_entries: 0 }),
      "/api/v1/dags/ghost": (_q, res) => sendJson(res, 404, { title: "DAG not found", status: 404, detail: "DAG with dag_id: 'ghost' not found" }),
      "/api/v1/dags/quiet/dagRuns": (_q, res) => sendJson(res, 200, { dag_runs: [], total_entries: 0 }),
      "/api/v1/dags/quiet": (_q, res) => sendJson(res, 200, { dag_id: "quiet", is_paused: true, is_active: true }),
    });
    const c = connector({ apiVersion: "v1" });
    expect((await airflowFailure(c.listDagRuns("ghost", 5, signal()))).kind).toBe("not_found");
    expect(await c.listDagRuns("quiet", 5, signal())).toEqual([]);
  });

  it("maps statuses to kinds", async () => {
    const c = connector({ apiVersion: "v1" });
    const cases: Array<[number, unknown, string, RegExp]> = [
      [401, { title: "Unauthorized", status: 401, detail: null }, "auth", /^Airflow refused access to the import error list \(HTTP 401: Unauthorized\)$/],
      [403, { detail: "Forbidden" }, "auth", /HTTP 403: Forbidden/],
      [429, { detail: "slow down" }, "throttled", /429/],
      [503, { detail: "db down" }, "http", /^Airflow answered HTTP 503 for the import error list: db down$/],
      [400, { title: "Bad Request", status: 400, detail: "bad limit" }, "http", /HTTP 400/],
    ];
    for (const [status, body, kind, message] of cases) {
      routes["/api/v1/importErrors"] = (_q, res) => sendJson(res, status, body);
      const err = await airflowFailure(c.listImportErrors({ offset: 0, limit: 10 }, signal()));
      expect([err.kind, err.httpStatus]).toEqual([kind, status]);
      expect(err.message).toMatch(message);
    }
  });

  it("a health body that is not health JSON is a bad response", async () => {
    routes["/api/v1/health"] = (_q, res) => sendJson(res, 200, { status: "ok" });
    const err = await airflowFailure(connector({ apiVersion: "v1" }).getHealth(signal()));
    expect(err.kind).toBe("bad_response");
    expect(err.message).toMatch(/^the health answer is not Airflow's health JSON/);
  });

  it("platform, UI URL and kind", async () => {
    const c = connector({ baseUrl: `${server.url}/airflow/` });
    expect(c.kind).toBe("airflow");
    expect(await c.getPlatform(signal())).toBeNull();
    expect(c.uiUrl()).toBe(`${server.url}/airflow`);
    expect(connector({ uiUrl: "https://ui.example.com/" }).uiUrl()).toBe("https://ui.example.com");
  });
});
