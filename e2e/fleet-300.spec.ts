import { expect, request as apiRequest, test } from "@playwright/test";
import type { FleetResponse } from "../lib/monitor/dto";
import { TID } from "../lib/test-ids";
import { polledFleet } from "./helpers/fleet";
import { wallGeometry } from "./helpers/page-checks";
import { startFlightboard, startSimulatedFleet, type FlightboardServer, type SimulatedFleet } from "./helpers/servers";

/**
 * 300 environments: the simulator CLI generates them (`npm run simulator -- --environments 300`)
 * and a second Flightboard watches them through its config file. One tile per environment and a
 * responsive filter on the board (its speed is `npm run bench:board`), and the wall paging through
 * them at three screen sizes.
 */
const N = 300;
let sim: SimulatedFleet;
let server: FlightboardServer;
let fleet: FleetResponse;

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(240_000);
  sim = await startSimulatedFleet(N);
  server = await startFlightboard({ configFile: sim.configFile, env: sim.env });
  const ctx = await apiRequest.newContext();
  fleet = await polledFleet(ctx, server.baseURL, 180_000);
  await ctx.dispose();
});

test.afterAll(async () => {
  await server?.stop();
  await sim?.stop();
});

// Speed is measured by `npm run bench:board` (figures, not a timed assertion on a shared machine);
// this test checks what a person sees and that the board stays responsive to input.
test(`the board shows one tile per environment with ${N} environments, and a text filter narrows them`, async ({ page }) => {
  expect(fleet.environments).toHaveLength(N);
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto(`${server.baseURL}/`);
  const tiles = page.getByTestId(TID.tile);
  await expect(tiles).toHaveCount(N);
  const ids = await tiles.evaluateAll((els) => els.map((e) => e.getAttribute("data-env-id")));
  expect(new Set(ids).size).toBe(N);
  expect([...ids].sort()).toEqual(fleet.environments.map((e) => e.id).sort());
  // Both marks exist: the first screenful rendered after hydration, then the rest.
  const marks = await page.evaluate(() => ["flightboard:board-ready", "flightboard:board-complete"].map((n) => performance.getEntriesByName(n).length));
  expect(marks).toEqual([1, 1]);

  await page.getByTestId(TID.filterText).fill(fleet.environments[7].name);
  await expect(tiles).toHaveCount(1);
  await expect(tiles.first()).toHaveAttribute("data-env-id", fleet.environments[7].id);
  await page.getByTestId(TID.filterText).fill("");
  await expect(tiles).toHaveCount(N);
});

const SCREENS = [
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
  { width: 3840, height: 2160 },
];

for (const size of SCREENS) {
  test(`the wall pages through ${N} environments at ${size.width}×${size.height}: no scrollbars, nothing cut off, every environment shown`, async ({ page }) => {
    test.setTimeout(120_000);
    await page.setViewportSize(size);
    const rotateS = 3;
    await page.goto(`${server.baseURL}/wall?rotate=${rotateS}`);
    const wall = page.getByTestId(TID.wall);
    await expect(page.getByTestId(TID.tile).first()).toBeVisible();
    const pages = Number(await wall.getAttribute("data-pages"));
    expect(pages).toBeGreaterThan(1);
    await expect(page.getByTestId(TID.wallPage)).toHaveText(new RegExp(`page 1/${pages}`));

    const seen = new Set<string>();
    for (let p = 1; p <= pages; p++) {
      await expect(wall).toHaveAttribute("data-page", String(p), { timeout: rotateS * 1000 + 2_000 });
      await page.waitForTimeout(100);
      const g = await wallGeometry(page);
      expect(g.scrollable, `page ${p}: scrollbars`).toBe(false);
      expect(g.offscreen, `page ${p}: tiles off screen`).toEqual([]);
      expect(g.clipped, `page ${p}: text cut off`).toEqual([]);
      if (size.width === 1920) expect(g.smallestFontPx, `smallest text "${g.smallestText}"`).toBeGreaterThanOrEqual(20);
      for (const id of await page.getByTestId(TID.tile).evaluateAll((els) => els.map((e) => e.getAttribute("data-env-id") ?? ""))) seen.add(id);
      if (p === 1) await page.screenshot({ path: `test-results/screenshots/wall-${N}-${size.width}x${size.height}.png` });
    }
    expect(seen.size).toBe(N);
    // And round again to the first page.
    await expect(wall).toHaveAttribute("data-page", "1", { timeout: rotateS * 1000 + 2_000 });
  });
}
