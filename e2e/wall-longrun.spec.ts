import { expect, test } from "@playwright/test";
import type { EnvironmentStatus, EnvironmentSummary, FleetChanges, FleetResponse } from "../lib/monitor/dto";
import { TID } from "../lib/test-ids";
import { emptyStatusCounts, ENVIRONMENT_KINDS, severityRank } from "../lib/vocabulary";
import { memoryMetrics } from "./helpers/page-checks";

/**
 * The wall must run for weeks. Accelerated: the event stream is replaced by one that delivers a
 * burst per connection — the whole fleet, then `fleet-changes` events as the server sends them —
 * and then closes (EventSource reconnects after 10 ms), and polls run every second, so thousands of
 * updates arrive within a minute — every status changing, tiles re-ordering, reconnects happening. After a forced GC, the JS heap, the DOM node count and
 * the number of event listeners must not grow; exactly one EventSource may be open.
 */

const ENVS = 48;
const STATUSES: EnvironmentStatus[] = ["healthy", "degraded", "unhealthy", "unreachable", "unauthorized", "healthy"];

function synthetic(update: number): FleetResponse {
  const environments: EnvironmentSummary[] = [];
  for (let i = 0; i < ENVS; i++) {
    const status = STATUSES[(i * 7 + update) % STATUSES.length];
    const failing = (i + update) % 4;
    environments.push({
      id: `env-${String(i).padStart(3, "0")}`,
      name: `Environment ${i}`,
      kind: ENVIRONMENT_KINDS[i % 3],
      tags: { team: `team-${i % 4}` },
      status,
      reasons: status === "healthy" ? [] : [`${failing + 1} failing DAGs (update ${update % 1000})`],
      airflowVersion: "2.10.5",
      apiVersion: "v1",
      uiUrl: null,
      checkedAt: new Date().toISOString(),
      lastSuccessAt: new Date().toISOString(),
      stale: false,
      latencyMs: 50 + (update % 50),
      components: { metadatabase: "healthy", scheduler: "healthy", triggerer: null, dagProcessor: null },
      schedulerHeartbeat: new Date().toISOString(),
      platform: null,
      dags: { total: 40, active: 38, paused: 2, failing, importErrors: 0 },
      runs: { running: update % 7, queued: 0, failed24h: update % 13, succeeded24h: 1000 + update },
      error: null,
      statusSince: null,
      uptime: { "24h": null, "7d": null, "30d": null },
    });
  }
  environments.sort((a, b) => severityRank(a.status) - severityRank(b.status) || a.name.localeCompare(b.name));
  const counts = emptyStatusCounts();
  for (const e of environments) counts[e.status]++;
  return { generatedAt: new Date().toISOString(), counts, environments };
}

/** What `/events?changes=1` sends between two fleets: the changed environments, and the order if it moved. */
function changesBetween(prev: FleetResponse, next: FleetResponse): FleetChanges {
  const before = new Map(prev.environments.map((e) => [e.id, JSON.stringify(e)]));
  const order = next.environments.map((e) => e.id);
  const sameOrder = order.join() === prev.environments.map((e) => e.id).join();
  return {
    generatedAt: next.generatedAt,
    counts: next.counts,
    ...(sameOrder ? {} : { order }),
    changed: next.environments.filter((e) => before.get(e.id) !== JSON.stringify(e)),
  };
}

test("thousands of updates: heap, DOM nodes and listeners stay flat; one EventSource open", async ({ page }) => {
  test.setTimeout(180_000);
  let updates = 0;
  const BURST = 30;
  await page.addInitScript(() => {
    // Count EventSources the page opens and closes (the wall must close each one it replaces).
    const Native = window.EventSource;
    const w = window as unknown as { __es: { opened: number; closed: number } };
    w.__es = { opened: 0, closed: 0 };
    class Counted extends Native {
      constructor(url: string | URL, init?: EventSourceInit) {
        super(url, init);
        w.__es.opened++;
      }
      #released = false;
      close() {
        if (!this.#released) w.__es.closed++;
        this.#released = true;
        super.close();
      }
    }
    window.EventSource = Counted as typeof EventSource;
  });
  let streams = 0;
  await page.route(/\/api\/v1\/events(\?.*)?$/, (route) => {
    // Every 25th connection fails outright: the browser gives up on that EventSource (CLOSED), and
    // the wall must replace it — releasing the old one — rather than stay without a stream.
    if (++streams % 25 === 0) return route.fulfill({ status: 503, body: "" });
    let body = "retry: 10\n\n";
    let fleet = synthetic(++updates);
    body += `event: fleet\ndata: ${JSON.stringify(fleet)}\n\n`;
    for (let i = 1; i < BURST; i++) {
      const next = synthetic(++updates);
      body += `event: fleet-changes\ndata: ${JSON.stringify(changesBetween(fleet, next))}\n\n`;
      fleet = next;
    }
    return route.fulfill({ status: 200, headers: { "content-type": "text/event-stream", "cache-control": "no-cache" }, body });
  });
  await page.route(/\/api\/v1\/fleet(\?.*)?$/, (route) => route.fulfill({ json: synthetic(++updates) }));

  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto("/wall?refresh=1&rotate=3");
  await expect(page.getByTestId(TID.tile)).toHaveCount(ENVS);

  const until = async (n: number) => expect.poll(() => updates, { timeout: 150_000, intervals: [500] }).toBeGreaterThanOrEqual(n);
  await until(300);
  const before = await memoryMetrics(page);
  const t0 = Date.now();
  await until(3_000);
  const seconds = (Date.now() - t0) / 1000;
  await expect(page.getByTestId(TID.tile)).toHaveCount(ENVS);
  const after = await memoryMetrics(page);
  const es = await page.evaluate(() => (window as unknown as { __es: { opened: number; closed: number } }).__es);
  console.log(
    `long run: ${updates} updates (${Math.round(2700 / seconds)} per s), ${streams} stream connections, ${es.opened} EventSources created; ` +
      `heap ${before.heapMB} → ${after.heapMB} MB, DOM nodes ${before.nodes} → ${after.nodes}, listeners ${before.listeners} → ${after.listeners}`,
  );
  expect(streams).toBeGreaterThan(80); // the stream really reconnected many times
  expect(es.opened).toBeGreaterThan(3); // failed streams were replaced…
  expect(es.opened - es.closed).toBeLessThanOrEqual(1); // …and every replaced one was closed
  expect(after.documents).toBeLessThanOrEqual(before.documents);
  expect(after.listeners).toBeLessThanOrEqual(before.listeners + 5);
  expect(after.nodes).toBeLessThanOrEqual(before.nodes * 1.05 + 20);
  expect(after.heapMB).toBeLessThanOrEqual(before.heapMB * 1.2 + 1);
  await expect(page.getByTestId(TID.wallStale)).toHaveCount(0);
});

test("a change that does not fit the stream's fleet makes the stream start over with the whole fleet", async ({ page }) => {
  const renamed = (f: FleetResponse): FleetResponse => ({ ...f, environments: f.environments.map((e) => ({ ...e, name: `Renewed ${e.name}` })) });
  let streams = 0;
  await page.route(/\/api\/v1\/events(\?.*)?$/, (route) => {
    expect(route.request().url()).toContain("changes=1");
    const first = ++streams === 1;
    const body = first
      ? // The whole fleet, then a change naming an environment this stream never sent.
        `retry: 60000\n\nevent: fleet\ndata: ${JSON.stringify(synthetic(1))}\n\n` +
        `event: fleet-changes\ndata: ${JSON.stringify({ generatedAt: new Date().toISOString(), counts: synthetic(1).counts, order: ["env-999"], changed: [] })}\n\n`
      : `retry: 60000\n\nevent: fleet\ndata: ${JSON.stringify(renamed(synthetic(2)))}\n\n`;
    return route.fulfill({ status: 200, headers: { "content-type": "text/event-stream", "cache-control": "no-cache" }, body });
  });
  // Polls answer as the server would at the time (a stream's end makes the board poll at once).
  await page.route(/\/api\/v1\/fleet(\?.*)?$/, (route) => route.fulfill({ json: streams >= 2 ? renamed(synthetic(2)) : synthetic(1) }));
  await page.goto("/");
  const tiles = page.getByTestId(TID.tile);
  await expect(tiles).toHaveCount(ENVS);
  // The bad change is not applied (no tile vanishes); the hook opens a new stream (the browser alone
  // would wait the stream's 60 s retry) and takes its whole fleet.
  await expect.poll(() => streams, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
  await expect(tiles.first()).toContainText("Renewed", { timeout: 10_000 });
  await expect(tiles).toHaveCount(ENVS);
});
