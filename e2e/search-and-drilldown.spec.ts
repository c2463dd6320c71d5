import { expect, test } from "@playwright/test";
import type { DagRunsResponse, EnvironmentDetail, FleetResponse, SearchResponse } from "../lib/monitor/dto";
import { TID } from "../lib/test-ids";
import { polledFleet } from "./helpers/fleet";

/** Deep links need the environment's UI base and its API version (URLs differ between v1 and v2). */
function linksIntoAirflow(fleet: FleetResponse, id: string): boolean {
  const e = fleet.environments.find((x) => x.id === id);
  return !!e?.uiUrl && !!e.apiVersion;
}

/** An environment with failing DAGs whose runs link into Airflow: the links below must be there. */
function failingWithLinks(fleet: FleetResponse): FleetResponse["environments"][number] {
  const env = fleet.environments.find((e) => (e.dags?.failing ?? 0) > 0 && linksIntoAirflow(fleet, e.id));
  expect(env, "an environment with failing DAGs and deep links").toBeDefined();
  return env!;
}

test.describe("DAG search", () => {
  test("one box finds DAGs in every environment, with state and deep links; arrows and Escape work", async ({ page, request }) => {
    const fleet = await polledFleet(request);
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
    // Every result of an environment whose UI and API version are known links into Airflow (the
    // demo's CLI-read environment has no API version, so none of its results do); the page shows
    // exactly the API's link.
    for (const r of api.results) expect(r.url !== null, `deep link of ${r.environmentId}/${r.dagId}`).toBe(linksIntoAirflow(fleet, r.environmentId));
    // Rows are found by environment and DAG, not by position (states may reorder between the calls).
    const airflowLink = (r: SearchResponse["results"][number]) =>
      results.and(page.locator(`[data-env-id="${r.environmentId}"][data-dag-id="${r.dagId}"]`)).getByRole("link", { name: /in the Airflow UI/ });
    const linked = api.results.find((r) => r.url !== null);
    expect(linked, "a result with a deep link").toBeDefined();
    await expect(airflowLink(linked!)).toHaveAttribute("href", linked!.url!);
    const unlinked = api.results.find((r) => r.url === null);
    if (unlinked) await expect(airflowLink(unlinked)).toHaveCount(0);
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
    const env = failingWithLinks(fleet);
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
    // Plain Airflow has no control plane; MWAA and Composer must show theirs (never skipped for them).
    expect(detail.platform === null, `platform of a ${env.kind} environment`).toBe(env.kind === "airflow");
    if (detail.platform) await expect(components).toContainText(detail.platform.state);

    const f = detail.failingDags[0];
    expect(f.lastRun.url, "the failing DAG's last run links into Airflow").toBeTruthy();
    await expect(failing.locator(`a[href="${f.lastRun.url}"]`)).toHaveCount(1);
    await expect(failing.getByRole("link", { name: f.dagId, exact: true }).first()).toHaveAttribute("href", `/environments/${env.id}/dags/${encodeURIComponent(f.dagId)}`);

    if (detail.recentFailures.length > 10) {
      await recent.getByRole("button", { name: /Show all/ }).click();
      await expect(recent.locator("tbody tr")).toHaveCount(detail.recentFailures.length);
    }
    const r = detail.recentFailures[0];
    expect(r?.url, "the newest failure links into Airflow").toBeTruthy();
    await expect(recent.locator(`a[href="${r.url}"]`).first()).toBeVisible();

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
    const env = failingWithLinks(fleet);
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
    const href = (await failedCell.getAttribute("href")) ?? "";
    expect(href.startsWith(env.uiUrl!), href).toBe(true);
    expect(href.endsWith(encodeURIComponent(runId)), href).toBe(true);
    // A run the API listed a moment ago carries exactly the API's deep link.
    const listed = runs.runs.find((r) => r.runId === runId);
    expect(listed, `run ${runId} in the API's list`).toBeDefined();
    expect(href).toBe(listed!.url);
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
