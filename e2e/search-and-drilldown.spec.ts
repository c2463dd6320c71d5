import { expect, test } from "@playwright/test";
import type { DagRunsResponse, EnvironmentDetail, SearchResponse } from "../lib/monitor/dto";
import { TID } from "../lib/test-ids";
import { polledFleet } from "./helpers/fleet";

test.describe("DAG search", () => {
  test("one box finds DAGs in every environment, with state and deep links; arrows and Escape work", async ({ page, request }) => {
    await polledFleet(request);
    const api = (await (await request.get("/api/v1/search?q=load")).json()) as SearchResponse;
    const envs = new Set(api.results.map((r) => r.environmentId));
    expect(envs.size).toBeGreaterThan(1);

    await page.goto("/");
    const box = page.getByRole("searchbox", { name: "Search DAGs in every environment" });
    await box.fill("load");
    const results = page.getByTestId(TID.dagSearchResult);
    await expect(results).toHaveCount(api.results.length);
    await expect(page.getByTestId(TID.dagSearchResults)).toContainText(`in ${envs.size} environment(s)`);

    const first = api.results[0];
    const row = results.first();
    await expect(row).toHaveAttribute("data-env-id", first.environmentId);
    await expect(row.getByRole("link", { name: first.dagId, exact: true })).toHaveAttribute(
      "href",
      `/environments/${encodeURIComponent(first.environmentId)}/dags/${encodeURIComponent(first.dagId)}`,
    );
    if (first.url) await expect(row.getByRole("link", { name: /in the Airflow UI/ })).toHaveAttribute("href", first.url);
    // State in words (or "no runs"), never colour alone.
    await expect(row).toContainText(/Success|Failed|Running|Queued|no runs/);

    // Keyboard: ↓ into the results, ↓ again, ↑ back, Escape closes and returns to the box.
    await box.press("ArrowDown");
    await expect(results.nth(0).locator("a[data-primary]")).toBeFocused();
    await page.keyboard.press("ArrowDown");
    await expect(results.nth(1).locator("a[data-primary]")).toBeFocused();
    await page.keyboard.press("ArrowUp");
    await expect(results.nth(0).locator("a[data-primary]")).toBeFocused();
    await page.keyboard.press("Escape");
    await expect(box).toBeFocused();
    await expect(page.getByTestId(TID.dagSearchResults)).toBeHidden();

    // Enter on a result opens that DAG's page.
    await box.press("ArrowDown");
    await expect(results.first()).toBeVisible();
    await box.press("ArrowDown");
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(new RegExp(`/environments/${first.environmentId}/dags/${first.dagId}$`));
    await expect(page.getByTestId(TID.dagHeader)).toContainText(first.dagId);
  });

  test("says so when nothing matches", async ({ page }) => {
    await page.goto("/");
    await page.getByRole("searchbox", { name: "Search DAGs in every environment" }).fill("no_such_dag_anywhere_zz");
    await expect(page.getByTestId(TID.dagSearchResults)).toContainText("No DAG matches");
  });
});

test.describe("environment page", () => {
  test("health, reasons, failing DAGs and failures with deep links into Airflow, and both charts", async ({ page, request }) => {
    const fleet = await polledFleet(request);
    const env = fleet.environments.find((e) => (e.dags?.failing ?? 0) > 0)!;
    await page.goto(`/environments/${env.id}`);
    await expect(page.getByTestId(TID.envHeader)).toContainText(env.name);
    await expect(page.getByTestId(TID.envHeader)).toContainText(/Degraded|Unhealthy/);
    const failing = page.getByTestId(TID.failingDags);
    const recent = page.getByTestId(TID.recentFailures);
    // The demo fleet lives on (DAGs fail and recover, failures accumulate), so compare the page with
    // the environment as the API describes it now, until both agree (the page polls every 15 s).
    let detail!: EnvironmentDetail;
    await expect
      .poll(
        async () => {
          detail = (await (await request.get(`/api/v1/environments/${env.id}`)).json()) as EnvironmentDetail;
          const reasons = (await page.getByTestId(TID.envReasons).allInnerTexts()).join(" ");
          return (
            detail.failingDags.length > 0 &&
            reasons.includes(detail.reasons[0]) &&
            (await failing.locator("tbody tr").count()) === detail.failingDags.length &&
            (await recent.locator("tbody tr").count()) === Math.min(10, detail.recentFailures.length)
          );
        },
        { timeout: 35_000, intervals: [500] },
      )
      .toBe(true);
    const components = page.getByTestId(TID.envComponents);
    await expect(components).toContainText("Scheduler");
    await expect(components).toContainText(/heartbeat \d+ (s|min) ago/);
    if (detail.platform) await expect(components).toContainText(detail.platform.state);

    const f = detail.failingDags[0];
    if (f.lastRun.url) await expect(failing.locator(`a[href="${f.lastRun.url}"]`)).toHaveCount(1);
    await expect(failing.getByRole("link", { name: f.dagId, exact: true }).first()).toHaveAttribute("href", `/environments/${env.id}/dags/${encodeURIComponent(f.dagId)}`);

    if (detail.recentFailures.length > 10) {
      await recent.getByRole("button", { name: /Show all/ }).click();
      await expect(recent.locator("tbody tr")).toHaveCount(detail.recentFailures.length);
    }
    const r = detail.recentFailures[0];
    if (r?.url) await expect(recent.locator(`a[href="${r.url}"]`).first()).toBeVisible();

    // Hourly counts recorded by history (demo mode keeps it in a temporary file) are drawn as a chart;
    // without them the panel shows the exact 24 h totals, never an estimate chart.
    const runsPanel = page.getByTestId(TID.runsChart);
    if ((detail as { runsPerHour?: unknown[] }).runsPerHour?.length) {
      await expect(runsPanel).toHaveAttribute("data-source", "server");
      await expect(runsPanel.getByRole("img", { name: /Runs per hour over 24 hours: \d+ succeeded and \d+ failed/ })).toBeVisible();
    } else {
      await expect(runsPanel).toHaveAttribute("data-source", "totals");
      await expect(runsPanel.locator(".recharts-bar-rectangle")).toHaveCount(0);
      await expect(runsPanel.getByLabel(/Runs started in the last 24 hours: [\d]+ succeeded, [\d]+ failed/)).toBeVisible();
    }
    await expect(page.getByTestId(TID.latencyChart).locator(".recharts-line-curve")).toBeVisible();
  });

  test("import errors are listed with their file and message", async ({ page, request }) => {
    const fleet = await polledFleet(request);
    const env = fleet.environments.find((e) => (e.dags?.importErrors ?? 0) > 0)!;
    const detail = (await (await request.get(`/api/v1/environments/${env.id}`)).json()) as EnvironmentDetail;
    await page.goto(`/environments/${env.id}`);
    const ie = page.getByTestId(TID.importErrors);
    await expect(ie.locator("tbody tr")).toHaveCount(Math.min(20, detail.importErrors.length));
    await expect(ie).toContainText(detail.importErrors[0].filename);
    await expect(ie).toContainText(detail.importErrors[0].message);
  });

  test("an unknown environment is a clear not-found page", async ({ page }) => {
    const res = await page.goto("/environments/no-such-environment");
    expect(res?.status()).toBe(404);
    await expect(page.getByTestId(TID.notFound)).toContainText("no-such-environment");
    await page.getByRole("link", { name: "Back to the board" }).click();
    await expect(page.getByTestId(TID.board)).toBeVisible();
  });
});

test.describe("DAG page", () => {
  test("recent runs as a strip of cells with state in words, each linking to Airflow, plus a duration chart", async ({ page, request }) => {
    const fleet = await polledFleet(request);
    const env = fleet.environments.find((e) => (e.dags?.failing ?? 0) > 0)!;
    const detail = (await (await request.get(`/api/v1/environments/${env.id}`)).json()) as EnvironmentDetail;
    const dagId = detail.failingDags[0].dagId;
    const runs = (await (await request.get(`/api/v1/environments/${env.id}/dags/${dagId}/runs?limit=50`)).json()) as DagRunsResponse;
    await page.goto(`/environments/${env.id}/dags/${dagId}`);
    const cells = page.getByTestId(TID.runCell);
    await expect(cells.first()).toBeVisible();
    // The page asks for the same 50 runs; one more may have started in between.
    const shown = await cells.count();
    expect(shown).toBeGreaterThanOrEqual(runs.runs.length);
    expect(shown).toBeLessThanOrEqual(Math.min(50, runs.runs.length + 1));
    // Oldest left, newest right. The fleet lives on, so the failing DAG may have started another run
    // since: the newest *finished* run is the failed one that makes the DAG failing.
    const states = await cells.evaluateAll((els) => els.map((e) => e.getAttribute("data-state")));
    const lastFinished = states.findLastIndex((s) => s !== "running" && s !== "queued");
    expect(lastFinished, `states ${states.join(",")}`).toBeGreaterThanOrEqual(0);
    const failedCell = cells.nth(lastFinished);
    await expect(failedCell).toHaveAttribute("data-state", "failed");
    const label = (await failedCell.getAttribute("aria-label")) ?? "";
    const runId = label.slice(0, label.indexOf(": Failed, started"));
    expect(runId, label).not.toBe("");
    if (env.uiUrl) {
      const href = (await failedCell.getAttribute("href")) ?? "";
      expect(href.startsWith(env.uiUrl), href).toBe(true);
      expect(href.endsWith(encodeURIComponent(runId)), href).toBe(true);
      // A run the API listed a moment ago carries exactly the API's deep link.
      const listed = runs.runs.find((r) => r.runId === runId);
      if (listed?.url) expect(href).toBe(listed.url);
    }
    await expect(page.getByTestId(TID.durationChart).locator(".recharts-bar-rectangle").first()).toBeVisible();
    await expect(page.getByTestId(TID.dagRuns)).toContainText("Failed");
    await expect(page.getByTestId(TID.dagHeader)).toContainText(dagId);
    await expect(page.getByRole("link", { name: env.name })).toHaveAttribute("href", `/environments/${env.id}`);
  });

  test("an unknown DAG is a clear not-found page", async ({ page, request }) => {
    const fleet = await polledFleet(request);
    const withList = fleet.environments.find((e) => e.dags !== null)!;
    const res = await page.goto(`/environments/${withList.id}/dags/no_such_dag`);
    expect(res?.status()).toBe(404);
    await expect(page.getByTestId(TID.notFound)).toContainText("no_such_dag");
    // A DAG of an unknown environment, and a page nobody routes, are 404s too.
    expect((await page.goto("/environments/nope/dags/nope"))?.status()).toBe(404);
    expect((await page.goto("/no/such/page"))?.status()).toBe(404);
  });
});
