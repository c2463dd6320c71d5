// Bulk actions and the audit page in a real browser (issue 15), against the production server
// (`node scripts/start.mjs`, needs `npm run build`) with auth and actions on, the simulator behind
// it and a real SQLite history file. Started here on a free port (the shared demo server has no
// auth); people sign in by a session cookie minted with the configured secret. Screenshots of the
// selection, the confirmation and the audit page (desktop and phone, light and dark) go to
// /tmp/shots-actions/ when SHOTS=1.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { encode } from "next-auth/jwt";
import { startSimulator, type Simulator } from "../sim/index";

const SECRET = "bulk-e2e-signing-secret-0123456789-abcdefghijklm";
const OUT = "/tmp/shots-actions";
const SHOTS = process.env.SHOTS === "1";

let sim: Simulator;
let server: ChildProcess;
let origin: string;
let dir: string;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

const cookie = (email: string, groups: string[]) =>
  encode({ token: { sub: email, fb: { sub: email, provider: "oidc", name: email, email, emailVerified: true, groups } }, secret: SECRET, maxAge: 3600 });

async function pageAs(browser: Browser, email: string, groups: string[], opts: { viewport?: { width: number; height: number }; colorScheme?: "light" | "dark" } = {}): Promise<Page> {
  const ctx = await browser.newContext({ viewport: opts.viewport ?? { width: 1920, height: 1080 }, colorScheme: opts.colorScheme ?? "light" });
  await ctx.addCookies([{ name: "next-auth.session-token", value: await cookie(email, groups), url: origin }]);
  return ctx.newPage();
}

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(240_000);
  const port = await freePort();
  origin = `http://localhost:${port}`;
  sim = await startSimulator({
    environments: [
      { id: "sales-prod", name: "Sales (prod)", tags: { team: "sales" }, airflowVersion: "2.10.5", scenario: "failing-dags", dagCount: 12 },
      { id: "sales-dev", name: "Sales (dev)", tags: { team: "sales" }, airflowVersion: "3.1.0", scenario: "failing-dags", dagCount: 10 },
      { id: "ops", name: "Ops", tags: { team: "ops" }, airflowVersion: "3.1.0", scenario: "healthy", dagCount: 6 },
    ],
  });
  dir = mkdtempSync(path.join(tmpdir(), "fb-bulk-e2e-"));
  const file = path.join(dir, "flightboard.json");
  const raw = structuredClone(sim.config) as unknown as Record<string, unknown>;
  raw.actions = { enabled: true };
  raw.storage = { sqlite: { path: path.join(dir, "history.db") } };
  raw.refresh = { health: 5, runs: 10, dags: 30 };
  raw.auth = {
    url: origin,
    providers: { oidc: { issuer: "http://127.0.0.1:9", clientId: "flightboard" } },
    viewers: { emailDomains: ["example.com"] },
    admins: { groups: ["fb-admins"] },
    operators: { groups: ["oncall"] },
  };
  writeFileSync(file, JSON.stringify(raw, null, 2));
  server = spawn("node", ["scripts/start.mjs"], {
    detached: true,
    stdio: "ignore",
    env: { ...process.env, ...sim.processEnv, PORT: String(port), FLIGHTBOARD_CONFIG: file, FLIGHTBOARD_AUTH_SECRET: SECRET, FLIGHTBOARD_OIDC_CLIENT_SECRET: "bulk-e2e-oidc-secret-0000000000000", NEXT_TELEMETRY_DISABLED: "1" },
  });
  for (let i = 0; ; i++) {
    if (await fetch(`${origin}/api/healthz`).then((r) => r.ok).catch(() => false)) break;
    if (i > 240) throw new Error("server did not start");
    await new Promise((r) => setTimeout(r, 500));
  }
  // The first poll cycle: failing DAGs are known once runs are read.
  const op = `next-auth.session-token=${await cookie("op@example.com", ["oncall"])}`;
  for (let i = 0; i < 60; i++) {
    const r = (await (await fetch(`${origin}/api/v1/actions/failing`, { headers: { cookie: op } })).json()) as { items: { environmentId: string }[] };
    if (new Set(r.items.map((x) => x.environmentId)).size >= 2) break;
    await new Promise((res) => setTimeout(res, 500));
  }
  if (SHOTS) mkdirSync(OUT, { recursive: true });
});

test.afterAll(async () => {
  try {
    if (server?.pid) process.kill(-server.pid, "SIGTERM");
  } catch {
    // already gone
  }
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("an operator selects failing DAGs in two environments on the board, reviews exactly what will happen, confirms, and reads per-item results", async ({ browser }) => {
  const page = await pageAs(browser, "op@example.com", ["oncall"]);
  await page.goto(`${origin}/`);
  const panel = page.getByTestId("failing-panel");
  await panel.locator("summary").click();
  const prod = panel.locator('[data-testid="failing-item"][data-env-id="sales-prod"]').first();
  const dev = panel.locator('[data-testid="failing-item"][data-env-id="sales-dev"]').first();
  await prod.locator("input").check();
  await dev.locator("input").check();
  await expect(page.getByTestId("bulk-count")).toHaveText("2 DAGs selected in 2 environments");
  const picked = [await prod.getAttribute("data-dag-id"), await dev.getAttribute("data-dag-id")];
  if (SHOTS) await page.screenshot({ path: `${OUT}/bulk-selection-desktop-light.png` });
  await page.getByTestId("bulk-review").click();
  const plan = page.getByTestId("bulk-plan");
  await expect(plan.locator("li")).toHaveCount(2);
  await expect(plan).toContainText(`Re-run the failed tasks of run`);
  await expect(plan).toContainText(`of ${picked[0]} in Sales (prod)`);
  await expect(plan).toContainText(`of ${picked[1]} in Sales (dev)`);
  if (SHOTS) await page.screenshot({ path: `${OUT}/bulk-confirm-desktop-light.png` });
  await page.getByTestId("bulk-confirm-go").click();
  const result = page.getByTestId("bulk-result");
  await expect(result).toContainText("Re-run failed tasks: 2 of 2 done.");
  await expect(page.getByTestId("bulk-results").locator('li[data-ok="true"]')).toHaveCount(2);
  await expect(page.getByTestId("bulk-results")).toContainText(/Airflow (cleared \d+ failed tasks?|found no failed tasks)/);
});

test("a viewer sees search results with the actions disabled and the server's reason; bulk review refuses item by item", async ({ browser }) => {
  const page = await pageAs(browser, "ann@example.com", []);
  await page.goto(`${origin}/search?q=_`);
  const group = page.locator('[data-testid="search-group"]').first();
  await expect(group.getByTestId("search-why")).toContainText("may view this environment but not act");
  await expect(group.getByRole("button", { name: "Trigger" }).first()).toBeDisabled();
  await group.getByTestId("search-select").first().check();
  await page.getByTestId("bulk-action").selectOption("pause");
  await page.getByTestId("bulk-review").click();
  await expect(page.getByTestId("bulk-plan")).toContainText("may view this environment but not act");
  await expect(page.getByTestId("bulk-confirm-go")).toBeDisabled();
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
  await admin.getByTestId("audit-filter-action").selectOption("trigger");
  await expect(admin.getByTestId("audit-summary")).toContainText("No action matches these filters.");
  await admin.getByTestId("audit-filter-action").selectOption("clear");
  await admin.getByTestId("audit-filter-environment").selectOption("sales-dev");
  await expect(rows).toHaveCount(1);
  await expect(admin).toHaveURL(/action=clear/);

  const viewer = await pageAs(browser, "ann@example.com", []);
  await viewer.goto(`${origin}/audit`);
  await expect(viewer.getByTestId("audit-refused")).toContainText("the audit log is for admins and operators");
  await expect(viewer.getByTestId("audit-nav")).toHaveCount(0);
});

test("screenshots: audit page, bulk selection and confirmation at 1920x1080 and phone, light and dark", async ({ browser }) => {
  test.skip(!SHOTS, "SHOTS=1 takes the screenshots");
  test.setTimeout(180_000);
  for (const colorScheme of ["light", "dark"] as const) {
    for (const [size, viewport] of [["desktop", { width: 1920, height: 1080 }], ["phone", { width: 390, height: 844 }]] as const) {
      const name = (what: string) => `${OUT}/${what}-${size}-${colorScheme}.png`;
      const admin = await pageAs(browser, "root@corp.test", ["fb-admins"], { viewport, colorScheme });
      await admin.goto(`${origin}/audit`);
      await admin.getByTestId("audit-row").first().waitFor();
      await admin.screenshot({ path: name("audit"), fullPage: size === "phone" });
      await admin.goto(`${origin}/`);
      await admin.getByTestId("failing-panel").locator("summary").click();
      await admin.getByTestId("failing-select-all").check();
      await admin.getByTestId("bulk-count").waitFor();
      await admin.screenshot({ path: name("bulk-selection"), fullPage: size === "phone" });
      await admin.getByTestId("bulk-review").click();
      await admin.getByTestId("bulk-plan").waitFor();
      await admin.getByTestId("bulk-confirm").scrollIntoViewIfNeeded();
      await admin.screenshot({ path: name("bulk-confirm"), fullPage: size === "phone" });
      await admin.goto(`${origin}/search?q=_`);
      await admin.getByTestId("search-select").first().check();
      await admin.screenshot({ path: name("search"), fullPage: false });
      await admin.context().close();
    }
  }
});
