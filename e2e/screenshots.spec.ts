import { expect, test, type Page } from "@playwright/test";
import { TID } from "../lib/test-ids";
import { polledFleet } from "./helpers/fleet";

/**
 * Screenshots of every page at desktop and phone size, light and dark, for people to look at
 * (test-results/screenshots/, ignored by git). Each also asserts the page rendered its content and
 * does not scroll sideways.
 */

const SIZES = [
  { name: "1920", width: 1920, height: 1080 },
  { name: "phone", width: 390, height: 844 },
] as const;

async function shoot(page: Page, name: string) {
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await page.waitForTimeout(150);
    const sideways = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    expect(sideways, `${name} at ${size.name} scrolls sideways`).toBe(false);
    await page.screenshot({ path: `test-results/screenshots/${name}-${size.name}.png`, fullPage: size.name === "phone" ? false : true });
  }
}

test.describe("screenshots", () => {
  for (const scheme of ["light", "dark"] as const) {
    test(`every page, ${scheme}`, async ({ page, request }) => {
      test.setTimeout(90_000);
      const fleet = await polledFleet(request);
      await page.emulateMedia({ colorScheme: scheme });

      await page.goto("/");
      await expect(page.getByTestId(TID.tile)).toHaveCount(fleet.environments.length);
      await shoot(page, `board-${scheme}`);

      const failing = fleet.environments.find((e) => (e.dags?.failing ?? 0) > 0)!;
      await page.goto(`/environments/${failing.id}`);
      await expect(page.getByTestId(TID.failingDags).locator("tbody tr").first()).toBeVisible();
      await expect(page.getByTestId(TID.runsChart)).toBeVisible();
      await expect(page.getByTestId(TID.latencyChart).locator(".recharts-surface")).toBeVisible();
      await shoot(page, `environment-${scheme}`);

      const importErrors = fleet.environments.find((e) => (e.dags?.importErrors ?? 0) > 0);
      if (importErrors) {
        await page.goto(`/environments/${importErrors.id}`);
        await expect(page.getByTestId(TID.importErrors).locator("tbody tr").first()).toBeVisible();
        await shoot(page, `environment-import-errors-${scheme}`);
      }

      await page.goto(`/environments/${failing.id}`);
      await page.getByTestId(TID.failingDags).locator("tbody tr").first().getByRole("link").first().click();
      await expect(page.getByTestId(TID.runStrip)).toBeVisible();
      await expect(page.getByTestId(TID.durationChart).locator(".recharts-surface")).toBeVisible();
      await shoot(page, `dag-${scheme}`);

      await page.goto("/");
      await page.setViewportSize({ width: 1920, height: 1080 });
      await page.getByRole("searchbox", { name: /search dags/i }).fill("load");
      await expect(page.getByTestId(TID.dagSearchResult).first()).toBeVisible();
      await page.screenshot({ path: `test-results/screenshots/search-${scheme}-1920.png` });
      await page.setViewportSize({ width: 390, height: 844 });
      await page.screenshot({ path: `test-results/screenshots/search-${scheme}-phone.png` });

      await page.goto(`/environments/${failing.id}/dags`);
      await expect(page.getByTestId(TID.dagRow).first()).toBeVisible();
      await shoot(page, `dag-browser-${scheme}`);
      // At phone size (shoot ends there) a DAG id wraps only after its separators: never more lines than parts.
      const brokenIds = await page.locator("td.ident a").evaluateAll((links) =>
        links
          // Lines: the distinct tops of the link's fragments.
          .filter((a) => new Set([...a.getClientRects()].map((r) => Math.round(r.top))).size > (a.textContent ?? "").split(/(?<=[_.\-/:+])/).length)
          .map((a) => a.textContent),
      );
      expect(brokenIds, "DAG ids broken inside a word").toEqual([]);
      const hidden = await page.locator(".table-wrap").evaluateAll((wraps) => wraps.filter((w) => w.scrollWidth > w.clientWidth).length);
      expect(hidden, "DAG list columns hidden sideways on a phone").toBe(0);

      await page.goto("/search?q=load");
      await expect(page.getByTestId(TID.searchGroup).first()).toBeVisible();
      await shoot(page, `search-page-${scheme}`);

      await page.goto("/environments/no-such-environment");
      await expect(page.getByTestId(TID.notFound)).toBeVisible();
      await shoot(page, `not-found-${scheme}`);
    });
  }

  test("the wall", async ({ page, request }) => {
    const fleet = await polledFleet(request);
    for (const size of [{ width: 1920, height: 1080 }, { width: 390, height: 844 }]) {
      await page.setViewportSize(size);
      await page.goto("/wall");
      await expect(page.getByTestId(TID.tile)).toHaveCount(fleet.environments.length);
      await page.screenshot({ path: `test-results/screenshots/wall-${size.width}.png` });
    }
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.goto("/wall?problemsOnly=1");
    await expect(page.getByTestId(TID.tile).first()).toBeVisible();
    await page.screenshot({ path: "test-results/screenshots/wall-problems-1920.png" });
  });
});
