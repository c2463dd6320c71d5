import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { pagerDutyReceiver, slackReceiver, webhookReceiver, type HttpReceiver } from "../lib/alerts/testing/receivers";
import { TID } from "../lib/test-ids";
import { startSimulator, type Simulator } from "../sim/index";
import { startFlightboard, type FlightboardServer } from "./helpers/servers";

/**
 * Alerting through the production server (contract §8): the simulator's environments go down and
 * up, real receivers on loopback get the notifications, the server restarts in the middle, and the
 * /alerts page, the header count and the tile mark show it (screenshots in /tmp/shots-alerts/).
 */

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const ROUTING = "e2eR0UT1NGKEY0123456789abcdef012";
const HEALTH = 5;
const FOR = 5;
const SHOTS = "/tmp/shots-alerts";

let sim: Simulator, server: FlightboardServer, hook: HttpReceiver, pd: HttpReceiver, slack: HttpReceiver, dir: string;

type Event = { type: string; data: { alertId: string; rule: string; environment: { id: string }; status: string } };
const hookEvents = () => hook.received.map((r) => r.body as Event);

test.describe("alerts through the production server", () => {
  test.describe.configure({ timeout: 240_000 });

  test.beforeAll(async () => {
    test.setTimeout(240_000);
    [hook, pd, slack] = await Promise.all([webhookReceiver(SECRET), pagerDutyReceiver(ROUTING), slackReceiver()]);
    sim = await startSimulator({
      environments: [
        { id: "sales-prod", name: "Sales (prod)", tags: { team: "sales", stage: "prod" }, airflowVersion: "2.10.5", scenario: "healthy" },
        { id: "mkt-prod", name: "Marketing (prod)", tags: { team: "marketing", stage: "prod" }, airflowVersion: "3.1.0", scenario: "healthy" },
      ],
    });
    dir = mkdtempSync(path.join(tmpdir(), "flightboard-alerts-e2e-"));
    const config = {
      ...structuredClone(sim.config),
      refresh: { health: HEALTH, runs: 10, dags: 30 },
      auth: { mode: "disabled" },
      storage: { sqlite: { path: path.join(dir, "fb.db") } },
      alerts: {
        channels: [
          { name: "ops", type: "webhook", urlEnv: "E2E_HOOK_URL", secretEnv: "E2E_HOOK_SECRET" },
          { name: "oncall", type: "pagerduty", routingKeyEnv: "E2E_PD_KEY", endpoint: pd.url },
          { name: "data-slack", type: "slack", urlEnv: "E2E_SLACK_URL" },
          { name: "mail", type: "email", smtp: { host: "127.0.0.1", port: 2525, passwordEnv: "E2E_UNSET_SMTP", username: "fb" }, from: "fb@example.com", to: ["x@example.com"] },
        ],
        rules: [{ name: "prod-down", when: { status: ["unhealthy", "unreachable"] }, for: FOR, environments: { tags: { stage: "prod" } }, channels: ["ops", "oncall", "data-slack"] }],
      },
    };
    const configFile = path.join(dir, "flightboard.json");
    writeFileSync(configFile, JSON.stringify(config, null, 2));
    server = await startFlightboard({
      configFile,
      env: { ...sim.processEnv, E2E_HOOK_URL: hook.url, E2E_HOOK_SECRET: SECRET, E2E_PD_KEY: ROUTING, E2E_SLACK_URL: slack.url },
    });
  });

  test.afterAll(async () => {
    await server?.stop();
    await sim?.close();
    await Promise.all([hook?.close(), pd?.close(), slack?.close()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("down → one signed firing in time; restart sends nothing again; up → one resolution; pages show it", async ({ page }) => {
    // Everything polled and healthy first.
    await expect.poll(async () => ((await (await fetch(`${server.baseURL}/api/v1/fleet`)).json()) as { counts: { healthy: number } }).counts.healthy, { timeout: 60_000 }).toBe(2);
    expect(server.output()).toContain('alerts.channels[3].smtp.passwordEnv: E2E_UNSET_SMTP is not set; channel "mail" is disabled');

    const downAt = Date.now();
    sim.setScenario("sales-prod", "http-500");
    await expect.poll(() => hookEvents().filter((e) => e.type === "alert.firing").length, { timeout: 90_000, intervals: [250] }).toBe(1);
    const latencyS = (Date.now() - downAt) / 1000;
    console.log(`alerts e2e: first signed alert.firing ${latencyS.toFixed(1)} s after the environment went down (bound refresh.health + for + 10 = ${HEALTH + FOR + 10} s)`);
    expect(latencyS).toBeLessThanOrEqual(HEALTH + FOR + 10 + 15); // the bound, plus slack for a loaded 2-core machine
    const alertId = hookEvents()[0]!.data.alertId;
    expect(hookEvents()[0]!.data).toMatchObject({ rule: "prod-down", environment: { id: "sales-prod" }, status: "unreachable" });

    // The pages: header count, tile mark, /alerts with deliveries.
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(`${server.baseURL}/`);
      await expect(page.getByTestId(TID.alertsCount)).toContainText("1", { timeout: 30_000 });
      await expect(page.locator(`[data-env-id="sales-prod"]`).getByTestId(TID.tileAlerts)).toContainText("1");
      await shoot(page, `board-${scheme}`);
      await page.goto(`${server.baseURL}/alerts`);
      await expect(page.locator(`[data-alert-id="${alertId}"]`)).toBeVisible();
      await expect(page.locator(`[data-alert-id="${alertId}"]`).getByTestId(TID.alertDelivery).first()).toContainText("delivered");
      await expect(page.getByTestId(TID.channelRow).filter({ hasText: "mail" })).toContainText("disabled");
      await shoot(page, `alerts-${scheme}`);
    }

    // Restart in the middle of the firing alert: nothing is sent again.
    await server.restart();
    await page.waitForTimeout((HEALTH + FOR + 5) * 1000);
    expect(hookEvents().map((e) => e.type)).toEqual(["alert.firing"]);

    // Back up: one resolution with the same id; PagerDuty trigger then resolve with one dedup_key.
    sim.setScenario("sales-prod", "healthy");
    await expect.poll(() => hookEvents().map((e) => e.type), { timeout: 60_000 }).toEqual(["alert.firing", "alert.resolved"]);
    expect(hookEvents()[1]!.data.alertId).toBe(alertId);
    await expect.poll(() => pd.received.map((r) => (r.body as { event_action: string; dedup_key: string })).map((e) => `${e.event_action}:${e.dedup_key}`)).toEqual([
      `trigger:${alertId}`,
      `resolve:${alertId}`,
    ]);
    expect(slack.received).toHaveLength(2);
    expect(slack.rejected).toEqual([]);
    expect(hook.rejected).toEqual([]);
    const everything = JSON.stringify([...hook.received, ...pd.received, ...slack.received].map((r) => r.raw));
    for (const secret of [SECRET, SECRET.slice(6), slack.url]) expect(everything).not.toContain(secret);
  });

  test("a silence created through the API holds notifications; lifting it sends what still fires", async ({ request }) => {
    const before = hookEvents().length;
    const res = await request.post(`${server.baseURL}/api/v1/silences`, {
      data: { environments: { ids: ["mkt-prod"] }, until: new Date(Date.now() + 3600_000).toISOString(), comment: "e2e maintenance" },
    });
    expect(res.status()).toBe(201);
    const silence = (await res.json()) as { id: string };
    sim.setScenario("mkt-prod", "http-500");
    await expect.poll(async () => ((await (await request.get(`${server.baseURL}/api/v1/alerts?state=firing&environment=mkt-prod`)).json()) as { alerts: unknown[] }).alerts.length, { timeout: 60_000 }).toBe(1);
    await new Promise((r) => setTimeout(r, 5_000));
    expect(hookEvents().length).toBe(before);
    expect((await request.delete(`${server.baseURL}/api/v1/silences/${silence.id}`)).status()).toBe(200);
    await expect.poll(() => hookEvents().slice(before).map((e) => `${e.type}:${e.data.environment.id}`), { timeout: 30_000 }).toEqual(["alert.firing:mkt-prod"]);
    sim.setScenario("mkt-prod", "healthy");
  });
});

async function shoot(page: Page, name: string): Promise<void> {
  for (const size of [
    { name: "1920", width: 1920, height: 1080 },
    { name: "phone", width: 390, height: 844 },
  ]) {
    await page.setViewportSize(size);
    await page.waitForTimeout(200);
    const sideways = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    expect(sideways, `${name} at ${size.name} scrolls sideways`).toBe(false);
    await page.screenshot({ path: `${SHOTS}/${name}-${size.name}.png`, fullPage: size.name === "1920" });
  }
}
