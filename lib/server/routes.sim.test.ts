import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as envGET } from "@/app/api/v1/environments/[id]/route";
import { GET as dagsGET } from "@/app/api/v1/environments/[id]/dags/route";
import { GET as runsGET } from "@/app/api/v1/environments/[id]/dags/[dagId]/runs/route";
import { GET as eventsGET } from "@/app/api/v1/events/route";
import { GET as fleetGET } from "@/app/api/v1/fleet/route";
import { GET as searchGET } from "@/app/api/v1/search/route";
import { GET as healthzGET } from "@/app/api/healthz/route";
import type { FakeClock } from "@/lib/monitor/clock";
import type { DagListResponse, EnvironmentDetail, FleetChanges, FleetResponse, SearchResponse } from "@/lib/monitor/dto";
import { applyFleetChanges } from "@/lib/queries/fleet-changes";
import type { FleetMonitor } from "@/lib/monitor/monitor";
import { startMonitoredSim, type MonitoredSim } from "@/lib/testing/monitored-sim";
import type { Simulator } from "@/sim/index";
import { installFleetRuntime, removeFleetRuntime } from "./testing/fleet-runtime";

/** The route handlers (contract §4) over a real monitor, connectors and simulator. */

let ms: MonitoredSim | undefined;
let sim: Simulator;
let monitor: FleetMonitor;
let clock: FakeClock;

const req = (path: string) => new Request(`http://localhost${path}`);
const params = <T,>(p: T) => ({ params: Promise.resolve(p) });

beforeAll(async () => {
  ms = await startMonitoredSim(
    [
      { id: "sales-prod", name: "Sales (prod)", tags: { team: "sales", stage: "prod" }, airflowVersion: "2.10.5", scenario: "failing-dags" },
      { id: "sales-dev", name: "Sales (dev)", tags: { team: "sales", stage: "dev" }, airflowVersion: "3.1.0", scenario: "healthy" },
      { id: "mkt-prod", name: "Marketing (prod)", tags: { team: "marketing", stage: "prod" }, airflowVersion: "3.1.0", scenario: "scheduler-down" },
      { id: "fin-prod", name: "Finance (prod)", tags: { team: "finance", stage: "prod" }, airflowVersion: "2.10.5", scenario: "import-errors" },
    ],
    { refresh: { health: 30, runs: 60, dags: 300 } },
  );
  ({ sim, monitor, clock } = ms);
  installFleetRuntime(monitor);
}, 60_000);

afterAll(async () => {
  removeFleetRuntime();
  await ms?.close();
});

async function body<T>(res: Response): Promise<T> {
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  return (await res.json()) as T;
}

describe("JSON API route handlers", () => {
  it("healthz is ok", async () => {
    expect(await (await healthzGET()).json()).toEqual({ ok: true });
  });

  it("/fleet orders by severity and filters by tag (AND) and status, counts included", async () => {
    const all = await body<FleetResponse>(await fleetGET(req("/api/v1/fleet")));
    expect(all.generatedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(all.environments.map((e) => [e.id, e.status])).toEqual([
      ["mkt-prod", "unhealthy"],
      ["fin-prod", "degraded"],
      ["sales-prod", "degraded"],
      ["sales-dev", "healthy"],
    ]);
    expect(all.counts).toEqual({ healthy: 1, degraded: 2, unhealthy: 1, unreachable: 0, unauthorized: 0, unknown: 0 });
    const sales = await body<FleetResponse>(await fleetGET(req("/api/v1/fleet?tag=team:sales&tag=stage:prod")));
    expect(sales.environments.map((e) => e.id)).toEqual(["sales-prod"]);
    expect(sales.counts.degraded).toBe(1);
    const bad = await body<FleetResponse>(await fleetGET(req("/api/v1/fleet?status=degraded,unhealthy")));
    expect(bad.environments.map((e) => e.id)).toEqual(["mkt-prod", "fin-prod", "sales-prod"]);
    expect(bad.counts).toEqual({ healthy: 0, degraded: 2, unhealthy: 1, unreachable: 0, unauthorized: 0, unknown: 0 });
    const res = await fleetGET(req("/api/v1/fleet?status=sad"));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "bad_request" } });
    expect((await fleetGET(req("/api/v1/fleet?tag=nocolon"))).status).toBe(400);
  });

  it("/environments/{id} adds failing DAGs, recent failures and import errors; unknown id is 404", async () => {
    const d = await body<EnvironmentDetail>(await envGET(req("/api/v1/environments/sales-prod"), params({ id: "sales-prod" })));
    expect(d.failingDags).toHaveLength(3);
    expect(d.recentFailures.length).toBeGreaterThan(0);
    const times = d.recentFailures.map((r) => Date.parse(r.startDate!));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const f = await body<EnvironmentDetail>(await envGET(req("/api/v1/environments/fin-prod"), params({ id: "fin-prod" })));
    expect(f.importErrors).toHaveLength(2);
    const missing = await envGET(req("/api/v1/environments/nope"), params({ id: "nope" }));
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: "not_found" } });
  });

  it("/dags filters the cached list by q, state and paused", async () => {
    const all = await body<DagListResponse>(await dagsGET(req("/api/v1/environments/sales-prod/dags"), params({ id: "sales-prod" })));
    expect(all.total).toBe(40);
    const failed = await body<DagListResponse>(await dagsGET(req("/api/v1/environments/sales-prod/dags?state=failed"), params({ id: "sales-prod" })));
    expect(failed.dags.every((d) => d.lastRun?.state === "failed")).toBe(true);
    const paused = await body<DagListResponse>(await dagsGET(req("/api/v1/environments/sales-prod/dags?paused=true"), params({ id: "sales-prod" })));
    expect(paused.dags.every((d) => d.paused)).toBe(true);
    const q = all.dags[0].dagId.slice(0, 5).toUpperCase();
    const found = await body<DagListResponse>(await dagsGET(req(`/api/v1/environments/sales-prod/dags?q=${q}`), params({ id: "sales-prod" })));
    expect(found.dags.length).toBeGreaterThan(0);
    expect(found.dags.every((d) => d.dagId.toLowerCase().includes(q.toLowerCase()))).toBe(true);
    expect((await dagsGET(req("/api/v1/environments/sales-prod/dags?state=meh"), params({ id: "sales-prod" }))).status).toBe(400);
  });

  it("/dags pages, sorts and filters by tag and owner for the DAG browser", async () => {
    const get = async (qs: string) => body<DagListResponse>(await dagsGET(req(`/api/v1/environments/sales-prod/dags?${qs}`), params({ id: "sales-prod" })));
    const all = await get("");
    expect(all.facets).toBeUndefined();
    const p1 = await get("limit=15&offset=0");
    const p3 = await get("limit=15&offset=30");
    expect(p1.total).toBe(40);
    expect(p1.dags.map((d) => d.dagId)).toEqual(all.dags.slice(0, 15).map((d) => d.dagId));
    expect(p3.dags.map((d) => d.dagId)).toEqual(all.dags.slice(30).map((d) => d.dagId));
    expect(p1.facets!.tags.length + p1.facets!.owners.length).toBeGreaterThan(0);
    const desc = await get("limit=40&sort=dagId&dir=desc");
    expect(desc.dags.map((d) => d.dagId)).toEqual(all.dags.map((d) => d.dagId).reverse());
    const byRun = await get("limit=40&sort=lastRun&dir=desc");
    const starts = byRun.dags.map((d) => d.lastRun?.startDate ?? "");
    expect(starts).toEqual([...starts].sort().reverse());
    const byState = await get("limit=40&sort=state");
    const firstNonFailed = byState.dags.findIndex((d) => d.lastRun?.state !== "failed");
    expect(byState.dags.slice(firstNonFailed).some((d) => d.lastRun?.state === "failed")).toBe(false);
    const owner = p1.facets!.owners[0];
    if (owner) {
      const mine = await get(`limit=100&owner=${encodeURIComponent(owner)}`);
      expect(mine.total).toBeGreaterThan(0);
      expect(mine.dags.every((d) => d.owners.includes(owner))).toBe(true);
    }
    const tag = p1.facets!.tags[0];
    if (tag) {
      const tagged = await get(`limit=100&tag=${encodeURIComponent(tag)}`);
      expect(tagged.total).toBeGreaterThan(0);
      expect(tagged.dags.every((d) => d.tags.includes(tag))).toBe(true);
    }
    for (const bad of ["limit=0", "limit=501", "offset=-1", "sort=size", "dir=up"]) {
      expect((await dagsGET(req(`/api/v1/environments/sales-prod/dags?${bad}`), params({ id: "sales-prod" }))).status, bad).toBe(400);
    }
  });

  it("/search finds DAGs across environments, exact matches first", async () => {
    const dags = await body<DagListResponse>(await dagsGET(req("/api/v1/environments/sales-dev/dags"), params({ id: "sales-dev" })));
    const target = dags.dags[3].dagId;
    const r = await body<SearchResponse>(await searchGET(req(`/api/v1/search?q=${target.toUpperCase()}`)));
    expect(r.results[0]).toMatchObject({ dagId: target });
    expect(r.results.every((x) => x.dagId.toLowerCase().includes(target.toLowerCase()))).toBe(true);
    expect(r.total).toBe(r.results.length);
    expect(r.unsearched).toEqual([]);
    const wide = await body<SearchResponse>(await searchGET(req("/api/v1/search?q=_")));
    expect(wide.total).toBeGreaterThanOrEqual(wide.results.length);
    expect((await searchGET(req("/api/v1/search"))).status).toBe(400);
  });

  it("50 viewers cause no upstream calls; the per-DAG runs of one DAG cost one call however many ask", async () => {
    sim.resetStats();
    const ids = ["sales-prod", "sales-dev", "mkt-prod", "fin-prod"];
    await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const id = ids[i % ids.length];
        for (let k = 0; k < 5; k++) {
          await (await fleetGET(req("/api/v1/fleet"))).text();
          await (await envGET(req(`/api/v1/environments/${id}`), params({ id }))).text();
          await (await dagsGET(req(`/api/v1/environments/${id}/dags`), params({ id }))).text();
          await (await searchGET(req("/api/v1/search?q=a"))).text();
        }
        const events = await eventsGET(req("/api/v1/events"));
        const reader = events.body!.getReader();
        await reader.read();
        await reader.cancel();
      }),
    );
    expect(sim.stats().total).toBe(0);

    const dags = await body<DagListResponse>(await dagsGET(req("/api/v1/environments/sales-dev/dags"), params({ id: "sales-dev" })));
    const dagId = dags.dags[0].dagId;
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => runsGET(req(`/api/v1/environments/sales-dev/dags/${dagId}/runs`), params({ id: "sales-dev", dagId }))),
    );
    for (const res of responses) expect(res.status).toBe(200);
    const runs = (await responses[0].json()) as { runs: { dagId: string; startDate: string | null; url: string }[] };
    expect(runs.runs.length).toBeGreaterThan(0);
    expect(runs.runs.length).toBeLessThanOrEqual(25);
    expect(runs.runs.every((r) => r.dagId === dagId && r.url.includes(`/dags/${dagId}/runs/`))).toBe(true);
    expect(sim.stats().total).toBe(1);
  });

  it("/events sends the fleet on connect and again when an environment changes", async () => {
    const res = await eventsGET(req("/api/v1/events?tag=team:sales"));
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buf = "";
    const events: FleetResponse[] = [];
    // Drain the stream in the background; events are parsed as they arrive.
    void (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buf += decoder.decode(value);
        for (let m = /event: fleet\ndata: (.*)\n\n/.exec(buf); m; m = /event: fleet\ndata: (.*)\n\n/.exec(buf)) {
          events.push(JSON.parse(m[1]) as FleetResponse);
          buf = buf.slice(m.index + m[0].length);
        }
      }
    })();
    await expect.poll(() => events.length).toBeGreaterThan(0);
    expect(events[0].environments.map((e) => e.id).sort()).toEqual(["sales-dev", "sales-prod"]);
    sim.setScenario("sales-dev", "http-500");
    // The next health poll is due within refresh.health plus the environment's phase (< half of it).
    await clock.advance(45_000);
    await monitor.settle();
    await clock.advance(1000);
    await expect
      .poll(() => events.at(-1)?.environments.find((e) => e.id === "sales-dev")?.status, { timeout: 5000 })
      .toBe("unreachable");
    expect(events.at(-1)!.environments.find((e) => e.id === "sales-dev")).toMatchObject({ error: { code: "http", httpStatus: 500 } });
    await reader.cancel();
    sim.setScenario("sales-dev", "healthy");
  });

  it("/events?changes=1 sends the whole fleet once, then only what changed; applied in turn they give /fleet", async () => {
    const res = await eventsGET(req("/api/v1/events?changes=1"));
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buf = "";
    const events: { type: string; data: string }[] = [];
    void (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buf += decoder.decode(value);
        for (let m = /event: (fleet|fleet-changes)\ndata: (.*)\n\n/.exec(buf); m; m = /event: (fleet|fleet-changes)\ndata: (.*)\n\n/.exec(buf)) {
          events.push({ type: m[1], data: m[2] });
          buf = buf.slice(m.index + m[0].length);
        }
      }
    })();
    await expect.poll(() => events.length).toBeGreaterThan(0);
    expect(events[0].type).toBe("fleet");
    const first = JSON.parse(events[0].data) as FleetResponse;
    expect(first.environments).toHaveLength(4);

    sim.setScenario("sales-prod", "http-500");
    await clock.advance(45_000);
    await monitor.settle();
    await clock.advance(1000);
    await expect.poll(() => events.length, { timeout: 5000 }).toBeGreaterThan(1);
    const later = events.slice(1);
    expect(later.every((e) => e.type === "fleet-changes")).toBe(true);
    const changes = later.map((e) => JSON.parse(e.data) as FleetChanges);
    expect(changes.some((c) => c.changed.some((e) => e.id === "sales-prod" && e.status === "unreachable"))).toBe(true);
    // sales-prod moved up (unreachable ranks before degraded), so an order came with a change.
    expect(changes.some((c) => c.order !== undefined)).toBe(true);

    let fleet: FleetResponse | null = first;
    for (const c of changes) fleet = fleet && applyFleetChanges(fleet, c);
    const now = (await (await fleetGET(req("/api/v1/fleet"))).json()) as FleetResponse;
    expect(fleet).not.toBeNull();
    expect({ ...fleet!, generatedAt: "" }).toEqual({ ...now, generatedAt: "" });
    await reader.cancel();
    sim.setScenario("sales-prod", "failing-dags");
  });

  it("the runs endpoint never calls upstream for unknown or hostile DAG ids", async () => {
    sim.resetStats();
    for (const dagId of ["no_such_dag", "../../etc/passwd", "a%2Fb", "x".repeat(300), "dåg", "a/b", "..", "%2e%2e"]) {
      const res = await runsGET(req(`/api/v1/environments/sales-dev/dags/${encodeURIComponent(dagId)}/runs`), params({ id: "sales-dev", dagId }));
      expect(res.status, dagId).toBe(404);
    }
    expect((await runsGET(req("/api/v1/environments/sales-dev/dags/x/runs?limit=500"), params({ id: "sales-dev", dagId: "x" }))).status).toBe(400);
    expect(sim.stats().total).toBe(0);
  });
});
