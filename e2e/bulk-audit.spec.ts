// Bulk actions and the audit page in a real browser (issue 15), against the production server
// (`node scripts/start.mjs`, built by the suite's webServer) with auth and actions on, the simulator
// behind it and a real SQLite history file. Started here on a free port (the shared demo server has
// no auth); people sign in by a session cookie minted with the configured secret, a wall screen by
// its display link. The outcomes are checked where they land: the simulator's Airflow received the
// clears (and the runs re-ran), the audit page lists them. Screenshots (desktop and phone, light and
// dark) go to /tmp/shots-actions/ when SHOTS=1.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { encode } from "next-auth/jwt";
import { actionsConfig } from "../lib/server/testing/actions-config";
import { startSimulator, type Simulator } from "../sim/index";
import { freePort, startFlightboard, type FlightboardServer } from "./helpers/servers";

const SECRET = "bulk-e2e-signing-secret-0123456789-abcdefghijklm";
const LOBBY = "bulk-e2e-lobby-display-token-0123456789-abcdefgh";
const OUT = "/tmp/shots-actions";
const SHOTS = process.env.SHOTS === "1";

let sim: Simulator;
let server: FlightboardServer;
let origin: string;
let dir: string;

const cookie = (email: string, groups: string[]) =>
  encode({ token: { sub: email, fb: { sub: email, provider: "oidc", name: email, email, emailVerified: true, groups } }, secret: SECRET, maxAge: 3600 });

async function pageAs(browser: Browser, email: string, groups: string[], opts: { viewport?: { width: number; height: number }; colorScheme?: "light" | "dark" } = {}): Promise<Page> {
  const ctx = await browser.newContext({ viewport: opts.viewport ?? { width: 1920, height: 1080 }, colorScheme: opts.colorScheme ?? "light" });
  await ctx.addCookies([{ name: "next-auth.session-token", value: await cookie(email, groups), url: origin }]);
  return ctx.newPage();
}

const opHeaders = async () => ({ cookie: `next-auth.session-token=${await cookie("op@example.com", ["oncall"])}` });
/** Writes (POST/PATCH under /api/) the simulator's Airflows received. */
const writes = () => Object.entries(sim.stats().byRoute).filter(([k]) => /^(POST|PATCH) \/api\//.test(k)).reduce((a, [, n]) => a + n, 0);
/** clearTaskInstances calls the simulator's Airflow 2 (v1) and Airflow 3 (v2) received. */
const clears = () => {
  const r = sim.stats().byRoute;
  return { v1: r["POST /api/v1/dags/{dag_id}/clearTaskInstances"] ?? 0, v2: r["POST /api/v2/dags/{dag_id}/clearTaskInstances"] ?? 0 };
};

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(240_000);
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  sim = await startSimulator({
    environments: [
      { id: "sales-prod", name: "Sales (prod)", tags: { team: "sales" }, airflowVersion: "2.10.5", scenario: "failing-dags", dagCount: 12 },
      { id: "sales-dev", name: "Sales (dev)", tags: { team: "sales" }, airflowVersion: "3.1.0", scenario: "failing-dags", dagCount: 10 },
      { id: "ops", name: "Ops", tags: { team: "ops" }, airflowVersion: "3.1.0", scenario: "healthy", dagCount: 6 },
    ],
  });
  dir = mkdtempSync(path.join(tmpdir(), "fb-bulk-e2e-"));
  const file = path.join(dir, "flightboard.json");
  const raw = {
    ...actionsConfig(sim.config, origin, { displayTokens: [{ name: "lobby", tokenEnv: "BULK_E2E_LOBBY_TOKEN" }] }),
    storage: { sqlite: { path: path.join(dir, "history.db") } },
    refresh: { health: 5, runs: 10, dags: 30 },
  };
  writeFileSync(file, JSON.stringify(raw, null, 2));
  server = await startFlightboard({
    port,
    configFile: file,
    env: { ...sim.processEnv, FLIGHTBOARD_AUTH_SECRET: SECRET, FLIGHTBOARD_OIDC_CLIENT_SECRET: "bulk-e2e-oidc-secret-0000000000000", BULK_E2E_LOBBY_TOKEN: LOBBY },
  });
  // The first poll cycle: failing DAGs are known once runs are read.
  const headers = await opHeaders();
  for (let i = 0; ; i++) {
    const r = (await (await fetch(`${origin}/api/v1/actions/failing`, { headers })).json()) as { items: { environmentId: string }[] };
    if (new Set(r.items.map((x) => x.environmentId)).size >= 2) break;
    if (i > 120) throw new Error("no failing DAGs in two environments after 60 s");
    await new Promise((res) => setTimeout(res, 500));
  }
  if (SHOTS) mkdirSync(OUT, { recursive: true });
});

test.afterAll(async () => {
  await server?.stop();
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("an operator selects failing DAGs in two environments on the board, reviews exactly what will happen, confirms; Airflow re-ran them", async ({ browser }) => {
  const page = await pageAs(browser, "op@example.com", ["oncall"]);
  await page.goto(`${origin}/`);
  const panel = page.getByTestId("failing-panel");
  await panel.locator("summary").click();
  const prod = panel.locator('[data-testid="failing-item"][data-env-id="sales-prod"]').first();
  const dev = panel.locator('[data-testid="failing-item"][data-env-id="sales-dev"]').first();
  await prod.locator("input").check();
  await dev.locator("input").check();
  await expect(page.getByTestId("bulk-count")).toHaveText("2 DAGs selected in 2 environments");
  const picked = [(await prod.getAttribute("data-dag-id"))!, (await dev.getAttribute("data-dag-id"))!];
  await page.getByTestId("bulk-review").click();
  const plan = page.getByTestId("bulk-plan");
  await expect(plan.locator("li")).toHaveCount(2);
  await expect(page.getByTestId("bulk-confirm")).toContainText("Re-run failed tasks: this sends 2 requests to Airflow, each once:");
  await expect(plan.locator("li").nth(0)).toContainText(new RegExp(`^✓Re-run the failed tasks of run \\S+ of ${picked[0]} in Sales \\(prod\\)$`));
  await expect(plan.locator("li").nth(1)).toContainText(new RegExp(`^✓Re-run the failed tasks of run \\S+ of ${picked[1]} in Sales \\(dev\\)$`));
  const runIds = (await plan.locator("li").allTextContents()).map((t) => /of run (\S+) of/.exec(t)![1]);
  const before = clears();
  expect(before).toEqual({ v1: 0, v2: 0 });
  await page.getByTestId("bulk-confirm-go").click();
  const result = page.getByTestId("bulk-result");
  await expect(result).toContainText("Re-run failed tasks: 2 of 2 done.");
  await expect(page.getByTestId("bulk-results").locator('li[data-ok="true"]')).toHaveCount(2);
  await expect(page.getByTestId("bulk-results")).toContainText(/Airflow (cleared \d+ failed tasks?|found no failed tasks)/);
  if (SHOTS) {
    await result.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${OUT}/bulk-results-desktop-light.png` });
  }
  // Airflow 2 and Airflow 3 each received exactly one clear, and the runs the review named re-ran.
  expect(clears()).toEqual({ v1: before.v1 + 1, v2: before.v2 + 1 });
  const headers = await opHeaders();
  for (const [i, env] of (["sales-prod", "sales-dev"] as const).entries()) {
    const runs = (await (await fetch(`${origin}/api/v1/environments/${env}/dags/${picked[i]}/runs?limit=20`, { headers })).json()) as { runs: { runId: string; state: string }[] };
    expect(runs.runs.find((r) => r.runId === runIds[i])?.state).toBe("success");
  }
  await page.context().close();
});

test("an operator selects search results across environments and reviews a pause; cancelling sends nothing", async ({ browser }) => {
  const page = await pageAs(browser, "op@example.com", ["oncall"]);
  await page.goto(`${origin}/search?q=_`);
  const groups = page.getByTestId("search-group");
  await expect(groups).toHaveCount(3);
  await groups.nth(0).getByTestId("search-select").first().check();
  await groups.nth(1).getByTestId("search-select").first().check();
  await expect(page.getByTestId("bulk-count")).toHaveText("2 DAGs selected in 2 environments");
  await page.getByTestId("bulk-action").selectOption("pause");
  const before = writes();
  await page.getByTestId("bulk-review").click();
  await expect(page.getByTestId("bulk-plan").locator('li[data-ok="true"]')).toHaveCount(2);
  await expect(page.getByTestId("bulk-plan")).toContainText(/^✓Pause \S+ in /);
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByTestId("bulk-confirm")).toHaveCount(0);
  await expect(page.getByTestId("bulk-count")).toHaveText("2 DAGs selected in 2 environments");
  expect(writes()).toBe(before);
  await page.context().close();
});

test("people who may not act see no controls: a viewer reads the reason once on search, the board and the wall stay calm", async ({ browser }) => {
  const viewer = await pageAs(browser, "ann@example.com", []);
  await viewer.goto(`${origin}/search?q=_`);
  await expect(viewer.getByTestId("search-group")).toHaveCount(3);
  await expect(viewer.getByTestId("search-why")).toHaveCount(1);
  await expect(viewer.getByTestId("search-why")).toContainText("Actions: you may view this environment but not act");
  await expect(viewer.getByTestId("search-select")).toHaveCount(0);
  await expect(viewer.getByTestId("search-actions")).toHaveCount(0);
  await expect(viewer.getByTestId("bulk-bar")).toHaveCount(0);
  await viewer.goto(`${origin}/`);
  await expect(viewer.getByTestId("env-tile").first()).toBeVisible();
  await expect(viewer.getByTestId("failing-panel")).toHaveCount(0);

  const wall = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  await wall.goto(`${origin}/wall?token=${encodeURIComponent(LOBBY)}`);
  await expect(wall.getByRole("list", { name: "Environments", exact: true })).toBeVisible();
  // The wall's read-only cookie: no control anywhere, and the API says why.
  await expect(wall.locator("input[type=checkbox], [data-testid=failing-panel], [data-testid=bulk-bar]")).toHaveCount(0);
  expect(await (await wall.request.get(`${origin}/api/v1/actions`)).json()).toEqual({ allowed: false, reason: "display tokens are read-only" });
  await viewer.context().close();
  await wall.context().close();
});

test("the audit page: an admin sees the bulk run's entries newest first and filters them; a viewer is refused in words", async ({ browser }) => {
  const admin = await pageAs(browser, "root@corp.test", ["fb-admins"]);
  await admin.goto(`${origin}/`);
  await admin.getByTestId("audit-nav").click();
  await expect(admin).toHaveURL(/\/audit$/);
  const rows = admin.getByTestId("audit-row");
  await expect(rows).toHaveCount(2);
  await expect(rows.first()).toContainText("op@example.com");
  await expect(rows.first()).toContainText("Re-run failed tasks");
  await expect(rows.first()).toContainText("Done");
  // The local time names its zone (the browser runs in the machine's, UTC here).
  await expect(rows.first().locator("time")).toHaveText(/(UTC|GMT)/);
  await admin.getByTestId("audit-filter-action").selectOption("trigger");
  await expect(admin.getByTestId("audit-summary")).toContainText("No action matches these filters.");
  await admin.getByTestId("audit-filter-action").selectOption("clear");
  // No wait here: a second filter chosen before the first reaches the address must keep both.
  await admin.getByTestId("audit-filter-environment").selectOption("sales-dev");
  await expect(rows).toHaveCount(1);
  await expect(admin).toHaveURL(/action=clear/);

  const viewer = await pageAs(browser, "ann@example.com", []);
  await viewer.goto(`${origin}/audit`);
  await expect(viewer.getByTestId("audit-refused")).toContainText("the audit log is for admins and operators");
  await expect(viewer.getByTestId("audit-nav")).toHaveCount(0);
  await admin.context().close();
  await viewer.context().close();
});

test("screenshots: bulk selection, confirmation, results, search and audit at 1920x1080 and phone, light and dark", async ({ browser }) => {
  test.skip(!SHOTS, "SHOTS=1 takes the screenshots");
  test.setTimeout(300_000);
  for (const colorScheme of ["light", "dark"] as const) {
    for (const [size, viewport] of [["desktop", { width: 1920, height: 1080 }], ["phone", { width: 390, height: 844 }]] as const) {
      const name = (what: string) => `${OUT}/${what}-${size}-${colorScheme}.png`;
      // A full-page shot taken while scrolled draws the sticky top bar mid-page.
      const top = () => (size === "phone" ? admin.evaluate(() => window.scrollTo(0, 0)) : Promise.resolve());
      const admin = await pageAs(browser, "root@corp.test", ["fb-admins"], { viewport, colorScheme });
      await admin.goto(`${origin}/audit`);
      await admin.getByTestId("audit-row").first().waitFor();
      await admin.screenshot({ path: name("audit"), fullPage: size === "phone" });
      await admin.goto(`${origin}/`);
      await admin.getByTestId("failing-panel").locator("summary").click();
      await admin.getByTestId("failing-item").first().waitFor();
      for (const item of (await admin.getByTestId("failing-item").all()).slice(0, 3)) await item.locator("input").check();
      await admin.getByTestId("bulk-count").waitFor();
      await admin.screenshot({ path: name("bulk-selection"), fullPage: size === "phone" });
      await admin.getByTestId("bulk-action").selectOption("trigger");
      await admin.getByTestId("bulk-review").click();
      await admin.getByTestId("bulk-plan").waitFor();
      await admin.getByTestId("bulk-confirm").scrollIntoViewIfNeeded();
      await top();
      await admin.screenshot({ path: name("bulk-confirm"), fullPage: size === "phone" });
      await admin.getByTestId("bulk-confirm-go").click();
      await admin.getByTestId("bulk-results").waitFor();
      await admin.getByTestId("bulk-result").scrollIntoViewIfNeeded();
      await top();
      await admin.screenshot({ path: name("bulk-results"), fullPage: size === "phone" });
      await admin.goto(`${origin}/search?q=_`);
      await admin.getByTestId("search-select").first().check();
      await admin.getByTestId("search-select").nth(4).check();
      await admin.screenshot({ path: name("search"), fullPage: false });
      await admin.context().close();
    }
  }
});
