import { expect, test } from "@playwright/test";
import { gzipSync } from "node:zlib";
import { TID } from "../lib/test-ids";
import { polledFleet } from "./helpers/fleet";

test.describe("board", () => {
  test("filters by tag, status and text, all kept in the URL so a link reproduces the view", async ({ page, request }) => {
    const fleet = await polledFleet(request);
    const sales = fleet.environments.filter((e) => e.tags.team === "sales");
    expect(sales.length).toBeGreaterThan(1);
    await page.goto("/");
    const tiles = page.getByTestId(TID.tile);
    await expect(tiles).toHaveCount(fleet.environments.length);

    // Tag: pick team: sales from the menu.
    await page.getByTestId(TID.filterTag).selectOption("team:sales");
    await expect(page).toHaveURL(/[?&]tag=team%3Asales/);
    await expect(tiles).toHaveCount(sales.length);
    await expect(page.getByTestId(TID.tagChip)).toHaveText(/team: sales/);

    // Status: toggle "Healthy" in the summary bar.
    const healthySales = sales.filter((e) => e.status === "healthy");
    const chip = page.locator(`[data-testid="${TID.statusChip}"][data-status="healthy"]`);
    await expect(chip).toContainText(String(healthySales.length));
    await chip.click();
    await expect(chip).toHaveAttribute("aria-pressed", "true");
    await expect(page).toHaveURL(/status=healthy/);
    await expect(tiles).toHaveCount(healthySales.length);
    for (const s of await tiles.evaluateAll((els) => els.map((e) => e.getAttribute("data-status")))) expect(s).toBe("healthy");

    // Text: narrows further, debounced into the URL.
    const target = healthySales[0];
    await page.getByTestId(TID.filterText).fill(target.name);
    await expect(tiles).toHaveCount(1);
    await expect(page).toHaveURL(/[?&]q=/);

    // The link reproduces the view in a fresh page.
    const url = page.url();
    const other = await page.context().newPage();
    await other.goto(url);
    await expect(other.getByTestId(TID.tile)).toHaveCount(1);
    await expect(other.getByTestId(TID.tile)).toHaveAttribute("data-env-id", target.id);
    await expect(other.getByTestId(TID.filterText)).toHaveValue(target.name);
    await other.close();

    // Back undoes the status toggle (text changes replace history entries, toggles push).
    await page.goBack();
    await expect(page).not.toHaveURL(/status=healthy/);
    // Clear filters.
    await page.getByTestId(TID.filterClear).click();
    await expect(tiles).toHaveCount(fleet.environments.length);
    await expect(page).toHaveURL(/\/$/);
  });

  test("the open-as-wall link carries the filters", async ({ page }) => {
    await page.goto("/?tag=team:sales&status=degraded,unhealthy");
    await expect(page.getByRole("link", { name: "Open as wall screen" })).toHaveAttribute("href", /\/wall\?tag=team%3Asales&status=unhealthy%2Cdegraded/);
  });

  test("light and dark themes: follows the system, and the toggle's choice sticks across reloads", async ({ page }) => {
    const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await page.emulateMedia({ colorScheme: "dark" });
    await page.goto("/");
    const dark = await bg();
    await page.emulateMedia({ colorScheme: "light" });
    const light = await bg();
    expect(dark).not.toBe(light);

    const toggle = page.getByTestId(TID.themeToggle);
    await expect(toggle).toHaveAttribute("data-theme-choice", "system");
    await toggle.click(); // → light
    await toggle.click(); // → dark
    await expect(toggle).toHaveAttribute("data-theme-choice", "dark");
    expect(await bg()).toBe(dark); // dark although the system says light
    await page.reload();
    await expect(page.locator("html")).toHaveAttribute("data-theme", "dark"); // rendered by the server, no flash
    expect(await bg()).toBe(dark);
    await page.getByTestId(TID.themeToggle).click(); // → system
    await expect(page.locator("html")).not.toHaveAttribute("data-theme", /./);
    expect(await bg()).toBe(light);
  });

  test("goes live through the event stream and says how fresh the data is", async ({ page }) => {
    await page.goto("/");
    await expect(page.getByTestId(TID.freshness)).toContainText("Live");
    await expect(page.getByTestId(TID.freshness)).toContainText(/updated \d+ s ago/);
  });

  test("keyboard: skip link, filters and tiles are reachable and statuses have accessible names", async ({ page, request }) => {
    const fleet = await polledFleet(request);
    await page.goto("/");
    await expect(page.getByTestId(TID.tile).first()).toBeVisible();
    await page.keyboard.press("Tab");
    await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
    await page.keyboard.press("Enter");
    // From the main content, Tab reaches the status chips, the filters and then the first tile.
    let reachedTile = false;
    for (let i = 0; i < 20 && !reachedTile; i++) {
      await page.keyboard.press("Tab");
      // The tile's own link (stretched over the tile) takes the focus; the DAG count is a second link.
      reachedTile = await page.evaluate(() => document.activeElement?.classList.contains("tile-link") === true && document.activeElement.closest('[data-testid="env-tile"]') !== null);
    }
    expect(reachedTile).toBe(true);
    const first = fleet.environments[0];
    await expect(page.locator('[data-testid="env-tile"]:has(.tile-link:focus)')).toHaveAttribute("data-env-id", first.id);
    // The tile's accessible name has the status in words.
    await expect(page.getByRole("link", { name: new RegExp(`^${first.name.replace(/[()]/g, "\\$&")}: (Unhealthy|Unreachable|Unauthorized|Degraded)$`) })).toBeVisible();
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(new RegExp(`/environments/${first.id}$`));
  });

  test("usable on a 390×844 phone: one column, no sideways scrolling, filters reachable", async ({ page, request }) => {
    const fleet = await polledFleet(request);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto("/");
    const tiles = page.getByTestId(TID.tile);
    await expect(tiles).toHaveCount(fleet.environments.length);
    const xs = await tiles.evaluateAll((els) => els.slice(0, 4).map((e) => Math.round(e.getBoundingClientRect().left)));
    expect(new Set(xs).size).toBe(1);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    const box = await tiles.first().boundingBox();
    expect(box!.width).toBeGreaterThan(300);
    await page.getByTestId(TID.filterText).fill("prod");
    await expect(tiles.first()).toBeVisible();
  });

  test("first load ships under 300 kB of compressed JavaScript", async ({ page }) => {
    const scripts = new Map<string, number>();
    page.on("response", async (res) => {
      if (res.request().resourceType() !== "script") return;
      try {
        scripts.set(res.url(), gzipSync(await res.body(), { level: 9 }).length);
      } catch {
        // a script without a body (redirect) counts nothing
      }
    });
    await page.goto("/", { waitUntil: "networkidle" });
    await expect(page.getByTestId(TID.tile).first()).toBeVisible();
    const total = [...scripts.values()].reduce((a, b) => a + b, 0);
    console.log(`board first load: ${scripts.size} JS files, ${(total / 1024).toFixed(1)} kB gzip`);
    expect(scripts.size).toBeGreaterThan(0);
    expect(total).toBeLessThan(300 * 1024);
    // Recharts belongs to the drill-down pages only.
    expect([...scripts.keys()].some((u) => /recharts/i.test(u))).toBe(false);
  });
});
