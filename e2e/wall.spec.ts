import { expect, test, type Page } from "@playwright/test";
import type { EnvironmentSummary, FleetResponse } from "../lib/monitor/dto";
import { TID } from "../lib/test-ids";
import { severityRank } from "../lib/vocabulary";
import { polledFleet } from "./helpers/fleet";
import { wallGeometry } from "./helpers/page-checks";

const SCREENS = [
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
  { width: 3840, height: 2160 },
  { width: 1080, height: 1920 }, // a screen mounted in portrait
];

const FLEET_URL = /\/api\/v1\/fleet(\?.*)?$/;
const EVENTS_URL = /\/api\/v1\/events(\?.*)?$/;

/**
 * Serves the wall the real demo fleet changed by `edit` (polls go through and are rewritten, counts
 * recomputed; the event stream is refused so it cannot deliver the unedited fleet).
 */
async function serveEditedFleet(page: Page, edit: (envs: EnvironmentSummary[]) => EnvironmentSummary[]) {
  await page.route(EVENTS_URL, (route) => route.fulfill({ status: 204 }));
  await page.route(FLEET_URL, async (route) => {
    const res = await route.fetch();
    const fleet = (await res.json()) as FleetResponse;
    const environments = edit(fleet.environments);
    const counts = { ...fleet.counts };
    for (const k of Object.keys(counts) as (keyof typeof counts)[]) counts[k] = environments.filter((e) => e.status === k).length;
    await route.fulfill({ response: res, json: { ...fleet, counts, environments } });
  });
}

/** Serves the wall only the first `n` environments of the real demo fleet. */
const limitFleet = (page: Page, n: number) => serveEditedFleet(page, (envs) => envs.slice(0, n));

async function expectWallFits(page: Page, count: number, label: string) {
  const tiles = page.getByTestId(TID.tile);
  await expect(tiles).toHaveCount(count);
  // Let the layout settle (ResizeObserver) before measuring.
  await page.waitForTimeout(100);
  const g = await wallGeometry(page);
  expect(g.scrollable, `${label}: scrollbars`).toBe(false);
  expect(g.offscreen, `${label}: tiles off screen`).toEqual([]);
  expect(g.clipped, `${label}: text cut off`).toEqual([]);
  return g;
}

test.describe("wall screen", () => {
  for (const n of [12, 0]) {
    const name = n ? `exactly ${n} environments` : "the whole demo fleet";
    test(`${name}: on one screen at 1366×768, 1080p (landscape and portrait) and 4K; no scrollbars, nothing cut off, text ≥ 20 px at 1080p`, async ({ page, request }) => {
      const fleet = await polledFleet(request);
      const count = n || fleet.environments.length;
      if (n) await limitFleet(page, n);
      for (const size of SCREENS) {
        await page.setViewportSize(size);
        await page.goto("/wall");
        const g = await expectWallFits(page, count, `${size.width}×${size.height}`);
        await expect(page.getByTestId(TID.wall)).toHaveAttribute("data-pages", "1");
        if (size.width * size.height === 1920 * 1080) expect(g.smallestFontPx, `smallest text: "${g.smallestText}"`).toBeGreaterThanOrEqual(20);
        await page.screenshot({ path: `test-results/screenshots/wall-${count}-${size.width}x${size.height}.png` });
      }
    });
  }

  test("a two-line reason on every tile still fits, names of two lines too (the whole demo fleet, every screen)", async ({ page, request }) => {
    const fleet = await polledFleet(request);
    await serveEditedFleet(page, (envs) =>
      envs.map((e) => ({ ...e, status: "degraded" as const, reasons: ["data calls failing: Airflow answered HTTP 500", "3 failing DAGs"] })),
    );
    for (const size of SCREENS) {
      await page.setViewportSize(size);
      await page.goto("/wall");
      await expectWallFits(page, fleet.environments.length, `${size.width}×${size.height}`);
      // On landscape 1080p and 4K the tiles print the reason (smaller or portrait screens show name and status).
      if (size.width >= 1920) await expect(page.getByTestId(TID.tile).first()).toContainText("data calls failing: Airflow answered HTTP 500 (+1)");
      if (size.width === 1920) await page.screenshot({ path: "test-results/screenshots/wall-long-reasons-1920x1080.png" });
    }
  });

  test("query options: tag, status and problemsOnly select environments; the header says what is shown", async ({ page, request }) => {
    const fleet = await polledFleet(request);
    await page.setViewportSize({ width: 1920, height: 1080 });
    const tiles = page.getByTestId(TID.tile);
    const statuses = () => tiles.evaluateAll((els) => els.map((e) => e.getAttribute("data-status") ?? ""));
    const headerCount = async (s: string) => Number(await page.locator(`.wall-count[data-status="${s}"] .wall-count-n`).textContent());

    await page.goto("/wall?tag=team:sales");
    await expect(tiles).toHaveCount(fleet.environments.filter((e) => e.tags.team === "sales").length);
    await expect(page.locator(".wall-header")).toContainText("team: sales");

    // Statuses change while the demo runs (one environment flaps), so compare with what the page shows.
    await page.goto("/wall?status=healthy");
    await expect(tiles.first()).toBeVisible();
    expect(new Set(await statuses())).toEqual(new Set(["healthy"]));
    expect(await tiles.count()).toBe(await headerCount("healthy"));

    await page.goto("/wall?problemsOnly=1");
    await expect(tiles.first()).toBeVisible();
    await expect(page.locator(".wall-header")).toContainText("problems only");
    const shown = await statuses();
    expect(shown).not.toContain("healthy");
    expect(shown.length).toBeGreaterThanOrEqual(3);
    await expect(page.locator(".wall-count-total")).toHaveText(`${shown.length} ${shown.length === 1 ? "env" : "envs"}`);
    // Worst first.
    const ranks = shown.map((s) => severityRank(s));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  });

  test("problemsOnly with nothing wrong says so in big letters", async ({ page, request }) => {
    const fleet = await polledFleet(request);
    await serveEditedFleet(page, (envs) => envs.map((e) => ({ ...e, status: "healthy" as const, reasons: [] })));
    await page.goto("/wall?problemsOnly=1");
    await expect(page.getByTestId(TID.wallAllClear)).toContainText(`All ${fleet.environments.length} environments are healthy`);
  });

  test("a clock, the data's age, no hover-only information, and a slow burn-in drift", async ({ page }) => {
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.goto("/wall");
    const clock = page.getByTestId(TID.wallClock);
    await expect(clock).toHaveText(/^\d\d:\d\d:\d\d$/);
    const t0 = await clock.textContent();
    await expect(clock).not.toHaveText(t0!, { timeout: 3_000 });
    await expect(page.getByTestId(TID.wallUpdated)).toHaveText(/updated \d+ s ago/);
    // No chrome: the site's top bar is not on the wall.
    await expect(page.locator(".topbar")).toHaveCount(0);
    // Nothing is only in a tooltip.
    expect(await page.locator("[data-testid=wall] [title]").count()).toBe(0);
    const drift = await page.locator(".wall-drift").evaluate((el) => {
      const s = getComputedStyle(el);
      return { name: s.animationName, duration: parseFloat(s.animationDuration), iterations: s.animationIterationCount };
    });
    expect(drift).toEqual({ name: "wall-drift", duration: 900, iterations: "infinite" });
  });

  test("a loud banner within 2 × the refresh interval when the server stops answering; it clears by itself", async ({ page }) => {
    const refreshS = 2;
    let down = false;
    await page.route(EVENTS_URL, (route) => route.fulfill({ status: 204 }));
    await page.route(FLEET_URL, (route) => (down ? route.abort("connectionrefused") : route.continue()));
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.goto(`/wall?refresh=${refreshS}`);
    await expect(page.getByTestId(TID.tile).first()).toBeVisible();
    const banner = page.getByTestId(TID.wallStale);
    await expect(banner).toHaveCount(0);

    down = true;
    const stoppedAt = Date.now();
    await expect(banner).toBeVisible({ timeout: 2 * refreshS * 1000 + 1_500 });
    const after = (Date.now() - stoppedAt) / 1000;
    console.log(`stale banner after ${after.toFixed(1)} s (limit ${2 * refreshS} s)`);
    expect(after).toBeLessThanOrEqual(2 * refreshS + 1);
    await expect(banner).toHaveAttribute("role", "alert");
    await expect(banner).toHaveAttribute("data-reason", "unreachable");
    await expect(banner).toContainText("SERVER UNREACHABLE");
    const size = await banner.locator(".wall-banner-title").evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    expect(size).toBeGreaterThanOrEqual(36);
    await expect(page.getByTestId(TID.wall)).toHaveAttribute("data-stale", "true");
    await page.screenshot({ path: "test-results/screenshots/wall-stale-1920.png" });
    // Still no scrollbars with the banner in place.
    expect((await wallGeometry(page)).scrollable).toBe(false);

    down = false;
    await expect(banner).toHaveCount(0, { timeout: refreshS * 1000 + 2_000 });
    await expect(page.getByTestId(TID.wall)).toHaveAttribute("data-stale", "false");
  });
});

test("a wall whose session or display token is revoked says so instead of claiming an outage", async ({ page }) => {
  let revoked = false;
  await page.route(EVENTS_URL, (route) => (revoked ? route.fulfill({ status: 401, json: { error: { code: "unauthorized", message: "sign in" } } }) : route.fulfill({ status: 204 })));
  await page.route(FLEET_URL, (route) => (revoked ? route.fulfill({ status: 401, json: { error: { code: "unauthorized", message: "sign in" } } }) : route.continue()));
  await page.goto("/wall?refresh=1");
  await expect(page.getByTestId(TID.tile).first()).toBeVisible();
  revoked = true;
  const banner = page.getByTestId(TID.wallStale);
  await expect(banner).toHaveAttribute("data-reason", "signed-out", { timeout: 4_000 });
  await expect(banner).toContainText("SIGNED OUT");
  await expect(banner).toContainText("open the display link again");
});
