import { readFileSync, writeFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import type { EnvironmentSummary, FleetResponse } from "../lib/monitor/dto";
import { TID } from "../lib/test-ids";
import { freePort, startFlightboard, startSimulatedFleet, type FlightboardServer, type SimulatedFleet } from "./helpers/servers";

/**
 * Issue 11, "never confidently wrong", on a real server: one simulated environment that answers,
 * then stops answering and goes stale, and one whose baseUrl is a closed port (never reached).
 * Pages must say "unknown" / "last known" instead of "None", 0 or "Healthy".
 */
let sim: SimulatedFleet;
let server: FlightboardServer;
let simId: string;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  sim = await startSimulatedFleet(1);
  const config = JSON.parse(readFileSync(sim.configFile, "utf8")) as { environments: { id: string }[]; refresh?: unknown };
  simId = config.environments[0].id;
  config.refresh = { health: 5, runs: 10, dags: 30 };
  config.environments.push({ id: "never-reached", name: "Never reached", airflow: { baseUrl: `http://127.0.0.1:${await freePort()}`, apiVersion: "v1" } } as never);
  writeFileSync(sim.configFile, JSON.stringify(config));
  server = await startFlightboard({ configFile: sim.configFile, env: sim.env });
});

test.afterAll(async () => {
  await server?.stop();
  await sim?.stop();
});

/** Screenshots for people to look at (test-results/screenshots/), desktop and phone, light and dark. */
async function shots(page: Page, name: string) {
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const size of [{ n: "1920", width: 1920, height: 1080 }, { n: "phone", width: 390, height: 844 }]) {
      await page.setViewportSize(size);
      await page.screenshot({ path: `test-results/screenshots/${name}-${scheme}-${size.n}.png`, fullPage: true });
    }
  }
  await page.setViewportSize({ width: 1920, height: 1080 });
}

async function summary(page: Page, id: string): Promise<EnvironmentSummary> {
  const fleet = (await (await page.request.get(`${server.baseURL}/api/v1/fleet`)).json()) as FleetResponse;
  return fleet.environments.find((e) => e.id === id)!;
}

test("never reached, then reached and lost, then stale: each page says what it knows", async ({ page }) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1920, height: 1080 });

  // Never reached: nothing is stated as fact.
  await expect.poll(async () => (await summary(page, "never-reached")).status, { timeout: 30_000 }).toBe("unreachable");
  await page.goto(`${server.baseURL}/environments/never-reached`);
  const failing = page.getByTestId(TID.failingDags);
  await expect(failing.locator("h2")).toHaveText("Failing DAGs (unknown)");
  await expect(failing).not.toContainText("None");
  await expect(page.getByTestId(TID.recentFailures).locator("h2")).toContainText("(unknown)");
  await expect(page.getByTestId(TID.importErrors).locator("h2")).toHaveText("Import errors (unknown)");
  await expect(page.getByTestId(TID.importErrors)).not.toContainText("None");
  const components = page.getByTestId(TID.envComponents);
  await expect(components).not.toContainText("Healthy");
  await expect(components).toContainText("Not known");
  await expect(page.locator("#why-h")).toContainText("unreachable");
  await expect(page.getByText(/refused/).first()).toBeVisible();
  await shots(page, "never-reached");
  // Its DAG browser does not claim "no DAGs", and the search page says it could not search it.
  await page.goto(`${server.baseURL}/environments/never-reached/dags`);
  await expect(page.getByTestId(TID.dagBrowserCount)).toHaveText("DAGs: unknown — the DAG list has not been received");
  await page.goto(`${server.baseURL}/search?q=a`);
  await expect(page.getByTestId(TID.searchUnsearched)).toContainText("Never reached");
  await expect(page.getByTestId(TID.searchUnsearched)).toContainText("connection refused");
  await page.goto(`${server.baseURL}/`);
  const tile = page.locator(`[data-env-id="never-reached"]`);
  await expect(tile.locator('[data-knowledge="unknown"]').first()).toBeVisible();
  await expect(tile.locator(".stat").first()).toContainText("—");

  // Reached: current data, stated plainly.
  await expect.poll(async () => (await summary(page, simId)).freshness?.runs, { timeout: 60_000 }).toBe("current");
  await page.goto(`${server.baseURL}/environments/${simId}`);
  await expect(page.getByTestId(TID.failingDags)).toHaveAttribute("data-knowledge", "current");
  await expect(page.getByTestId(TID.envComponents)).toHaveAttribute("data-knowledge", "current");
  await expect(page.locator(".knowledge-note")).toHaveCount(0);

  // Lost: the last data stays, muted and labelled with its age.
  await sim.stop();
  await expect.poll(async () => (await summary(page, simId)).status, { timeout: 30_000 }).toBe("unreachable");
  await expect(page.getByTestId(TID.envComponents)).toHaveAttribute("data-knowledge", "last-known", { timeout: 15_000 });
  await expect(page.getByTestId(TID.envComponents)).toContainText("(last known)");
  await expect(page.getByTestId(TID.failingDags)).toHaveAttribute("data-knowledge", "last-known");
  await expect(page.getByTestId(TID.failingDags)).toContainText(/Last known \d+ (s|min) ago/);
  await shots(page, "last-known");

  // Stale (3 × refresh.health without success): still last known, and the tile says stale.
  await expect.poll(async () => (await summary(page, simId)).stale, { timeout: 40_000 }).toBe(true);
  await page.goto(`${server.baseURL}/`);
  const simTile = page.locator(`[data-env-id="${simId}"]`);
  await expect(simTile).toContainText("stale data");
  await expect(simTile.locator('[data-knowledge="last-known"]').first()).toBeVisible();
});
