import { expect, test } from "@playwright/test";
import type { DagListResponse, SearchResponse } from "../lib/monitor/dto";
import { TID } from "../lib/test-ids";
import { polledFleet } from "./helpers/fleet";

/** The DAG browser (/environments/{id}/dags) and the full search page (/search?q=), on the demo fleet. */

test.describe("DAG browser", () => {
  test("lists, filters, sorts and pages an environment's DAGs, all in the address bar", async ({ page, request }) => {
    const fleet = await polledFleet(request);
    // Of the environments whose DAGs link into Airflow (UI and API version known), the largest.
    const env = fleet.environments.filter((e) => e.dags !== null && !!e.uiUrl && !!e.apiVersion).sort((a, b) => b.dags!.total - a.dags!.total)[0];
    expect(env.dags!.total, "the demo fleet has an environment with more than one page of DAGs").toBeGreaterThan(50);
    const all = (await (await request.get(`/api/v1/environments/${env.id}/dags`)).json()) as DagListResponse;

    // Reached from the environment page.
    await page.goto(`/environments/${env.id}`);
    await page.getByTestId(TID.dagsLink).click();
    await expect(page).toHaveURL(new RegExp(`/environments/${env.id}/dags$`));
    const count = page.getByTestId(TID.dagBrowserCount);
    await expect(count).toHaveText(`DAGs 1–50 of ${all.total}`);
    const rows = page.getByTestId(TID.dagRow);
    await expect(rows).toHaveCount(50);
    await expect(rows.first()).toHaveAttribute("data-dag-id", all.dags[0].dagId);
    await expect(rows.first().getByRole("link", { name: all.dags[0].dagId, exact: true })).toHaveAttribute("href", `/environments/${env.id}/dags/${encodeURIComponent(all.dags[0].dagId)}`);
    expect(all.dags[0].url, "the DAG links into Airflow").toBeTruthy();
    await expect(rows.first().getByRole("link", { name: /Open .* in Airflow/ })).toHaveAttribute("href", all.dags[0].url!);

    // Paging.
    await page.getByTestId(TID.dagBrowserNext).click();
    await expect(count).toHaveText(`DAGs 51–${Math.min(100, all.total)} of ${all.total}`);
    await expect(page).toHaveURL(/page=2/);
    await expect(rows.first()).toHaveAttribute("data-dag-id", all.dags[50].dagId);

    // Failed only: every row's last run failed; the count matches the API's.
    const failed = (await (await request.get(`/api/v1/environments/${env.id}/dags?state=failed`)).json()) as DagListResponse;
    await page.getByTestId("dag-filter-state").selectOption("failed");
    await expect(page).toHaveURL(/state=failed/);
    await expect(page).not.toHaveURL(/page=/);
    if (failed.total > 0) {
      await expect(count).toHaveText(`DAGs 1–${Math.min(50, failed.total)} of ${failed.total}`);
      const states = await rows.evaluateAll((els) => els.map((e) => e.querySelector("[data-state]")?.getAttribute("data-state")));
      expect(new Set(states)).toEqual(new Set(["failed"]));
    } else {
      await expect(count).toHaveText("No DAG matches these filters.");
    }
    await page.getByTestId("dag-filter-state").selectOption("");

    // Tag filter from the facets, and sort Z → A.
    const tagOptions = await page.getByTestId("dag-filter-tag").locator("option").evaluateAll((o) => o.map((x) => (x as HTMLOptionElement).value).filter(Boolean));
    expect(tagOptions.length).toBeGreaterThan(0);
    const tagged = all.dags.filter((d) => d.tags.includes(tagOptions[0]));
    await page.getByTestId("dag-filter-tag").selectOption(tagOptions[0]);
    await page.getByTestId("dag-sort").selectOption("dagId:desc");
    await expect(count).toHaveText(`DAGs 1–${Math.min(50, tagged.length)} of ${tagged.length}`);
    await expect(rows.first()).toHaveAttribute("data-dag-id", tagged.map((d) => d.dagId).sort().reverse()[0]);

    // Text filter, and the view survives a reload.
    const needle = all.dags[7].dagId;
    await page.getByTestId(TID.dagBrowserText).fill(needle);
    await expect(page).toHaveURL(new RegExp(`q=${needle}`));
    await page.reload();
    await expect(page.getByTestId(TID.dagBrowserText)).toHaveValue(needle);
    await expect(page.getByTestId("dag-filter-tag")).toHaveValue(tagOptions[0]);
  });

  test("the board tile's DAG count opens the browser", async ({ page, request }) => {
    const fleet = await polledFleet(request);
    const env = fleet.environments.find((e) => e.dags !== null)!;
    await page.goto("/");
    await page.locator(`[data-env-id="${env.id}"]`).getByTestId(TID.dagsLink).click();
    await expect(page).toHaveURL(new RegExp(`/environments/${env.id}/dags$`));
    await expect(page.getByTestId(TID.dagBrowserCount)).toContainText(`of ${env.dags!.total}`);
  });

  test("an unknown environment's DAG browser is a 404", async ({ page }) => {
    const res = await page.goto("/environments/no-such-environment/dags");
    expect(res?.status()).toBe(404);
    await expect(page.getByTestId(TID.notFound)).toContainText("no-such-environment");
  });
});

test("the favicon is served", async ({ request }) => {
  const res = await request.get("/favicon.ico");
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toMatch(/image\//);
  expect((await res.body()).subarray(0, 4)).toEqual(Buffer.from([0, 0, 1, 0]));
});

test.describe("search page", () => {
  test("Enter in the search box opens every match grouped by environment, with totals; arrows move", async ({ page, request }) => {
    await polledFleet(request);
    const api = (await (await request.get("/api/v1/search?q=load")).json()) as SearchResponse;
    const envs = new Set(api.results.map((r) => r.environmentId));
    expect(envs.size).toBeGreaterThan(1);
    await page.goto("/");
    const box = page.getByRole("searchbox", { name: /search dags/i });
    await box.fill("load");
    await box.press("Enter");
    await expect(page).toHaveURL(/\/search\?q=load$/);
    await expect(page.getByTestId(TID.dagSearchResults)).toContainText(`${api.total} DAGs match “load” in ${envs.size} environments`);
    await expect(page.getByTestId(TID.searchGroup)).toHaveCount(envs.size);
    await expect(page.getByTestId(TID.dagSearchResult)).toHaveCount(api.results.length);
    const firstGroup = page.getByTestId(TID.searchGroup).first();
    const groupId = (await firstGroup.getAttribute("data-env-id"))!;
    await expect(firstGroup.getByTestId(TID.dagSearchResult)).toHaveCount(api.results.filter((r) => r.environmentId === groupId).length);
    // Keyboard: ↓ moves from link to link.
    const links = page.locator("[data-testid='search-page'] a[data-primary]");
    await links.first().focus();
    await page.keyboard.press("ArrowDown");
    await expect(links.nth(1)).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/\/environments\/[^/]+\/dags\/[^/]+$/);
  });

  test("says when nothing matches", async ({ page }) => {
    await page.goto("/search?q=zzz-no-such-dag");
    await expect(page.getByTestId(TID.dagSearchResults)).toHaveText("No DAG matches “zzz-no-such-dag”.");
  });
});
