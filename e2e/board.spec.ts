import { expect, test } from "@playwright/test";
import { TID } from "../lib/test-ids";
import { severityRank } from "../lib/vocabulary";
import { polledFleet } from "./helpers/fleet";

test("the health endpoint answers", async ({ request }) => {
  const res = await request.get("/api/healthz");
  expect(res.status()).toBe(200);
  expect(await res.json()).toEqual({ ok: true });
});

test("the board shows every environment of the demo fleet, worst first", async ({ page, request }) => {
  const fleet = await polledFleet(request, "", 45_000);
  expect(fleet.environments.length).toBeGreaterThanOrEqual(12);
  const kinds = new Set(fleet.environments.map((e) => e.apiVersion));
  // null: the MWAA 2.2.2 environment read through the Airflow CLI has no REST API version.
  expect(kinds).toEqual(new Set(["v1", "v2", null]));
  expect(fleet.environments.some((e) => e.status !== "healthy")).toBe(true);

  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto("/");
  const tiles = page.getByTestId(TID.tile);
  await expect(tiles).toHaveCount(fleet.environments.length);
  const statuses = await tiles.evaluateAll((els) => els.map((e) => e.getAttribute("data-status") ?? ""));
  const ranks = statuses.map((s) => severityRank(s));
  expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  // Status is a word, not only a colour.
  await expect(tiles.first()).toContainText(/Unhealthy|Unreachable|Unauthorized|Degraded/);
  await expect(page.getByTestId(TID.summaryBar)).toContainText(`${fleet.environments.length} environments`);
  await page.screenshot({ path: "test-results/screenshots/board-1920.png", fullPage: true });

  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: "test-results/screenshots/board-phone.png" });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  expect(overflow).toBe(false);
});

test("an environment page explains why it is not healthy and lists failing DAGs", async ({ page, request }) => {
  const fleet = await polledFleet(request, "", 45_000);
  const failing = fleet.environments.find((e) => (e.dags?.failing ?? 0) > 0);
  expect(failing, "the demo fleet has an environment with failing DAGs").toBeTruthy();
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto(`/environments/${failing!.id}`);
  await expect(page.getByTestId(TID.envHeader)).toContainText(failing!.name);
  await expect(page.getByTestId(TID.envReasons)).toContainText(/failing DAG/);
  const rows = page.getByTestId(TID.failingDags).locator("tbody tr");
  // The fleet lives on (a DAG fails and recovers), so compare with the environment as it is now.
  await expect
    .poll(
      async () => {
        const now = (await (await request.get(`/api/v1/environments/${failing!.id}`)).json()) as { failingDags: unknown[] };
        return now.failingDags.length > 0 && (await rows.count()) === now.failingDags.length;
      },
      { timeout: 35_000, intervals: [500] },
    )
    .toBe(true);
  await page.screenshot({ path: "test-results/screenshots/environment-1920.png", fullPage: true });

  await rows.first().getByRole("link").first().click();
  await expect(page.getByTestId(TID.dagRuns)).toBeVisible();
  await expect(page.getByTestId(TID.dagRuns).locator("tbody tr").first()).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/dag-1920.png", fullPage: true });
});
