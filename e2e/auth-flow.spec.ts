import { readFileSync } from "node:fs";
import { expect, test, type Page, type Response } from "@playwright/test";
import type { FleetResponse } from "../lib/monitor/dto";
import { TID } from "../lib/test-ids";
import { ACCOUNTS, control, readFixture } from "./auth-fixture";

/**
 * The whole sign-in in Chromium against a real OpenID Connect provider (oidc-provider on
 * loopback): redirect to sign in, the provider's login form, the callback, the board filtered per
 * person; refusal; sign-out; a session that survives a restart; a wall screen's display link; and
 * a scan of every page, API response and log line for the configured secret values.
 */

const f = readFixture();

async function signIn(page: Page, login: keyof typeof ACCOUNTS, path = "/"): Promise<void> {
  await page.goto(path);
  await expect(page).toHaveURL(/\/signin\?callbackUrl=/);
  await page.getByTestId("signin-oidc").click();
  await page.waitForURL((u) => u.origin === new URL(f.issuer).origin);
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill("any password works here");
  await page.locator('button[type="submit"]').click();
}

async function visibleIds(page: Page): Promise<string[]> {
  const res = await page.request.get("/api/v1/fleet");
  expect(res.status()).toBe(200);
  return ((await res.json()) as FleetResponse).environments.map((e) => e.id).sort();
}

/** CSP violations the browser reports (a blocked script would break the page silently). */
function watchCsp(page: Page): string[] {
  const violations: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" && /Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  return violations;
}

test.describe.configure({ mode: "serial" });

test("a viewer signs in through the identity provider and sees only the environments they may see", async ({ page }) => {
  const csp = watchCsp(page);
  await page.goto("/");
  await expect(page.getByTestId("signin-oidc")).toHaveText("Continue with Test SSO");
  // Nothing a stranger cannot use: no DAG search, no Wall link.
  await expect(page.getByRole("searchbox")).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Wall" })).toHaveCount(0);
  await page.screenshot({ path: "test-results/screenshots/signin.png" });
  await signIn(page, "ann", "/");
  await expect(page).toHaveURL(`${f.baseUrl}/`);
  expect(await visibleIds(page)).toEqual(["locked-dev", "sales-dev", "sales-prod"]);
  await expect(page.getByTestId(TID.tile)).toHaveCount(3);
  await expect(page.getByText("Finance (prod)")).toHaveCount(0);
  expect(await (await page.request.get("/api/v1/me")).json()).toMatchObject({ kind: "user", email: "ann@example.com", role: "viewer" });

  // The session cookie is httpOnly: no script on the page can read it.
  const cookies = await page.context().cookies();
  expect(cookies.find((c) => c.name === "next-auth.session-token")).toMatchObject({ httpOnly: true, sameSite: "Lax" });
  expect(await page.evaluate(() => document.cookie)).not.toContain("session-token");

  // A restricted environment looks exactly like a missing one.
  expect((await page.request.get("/api/v1/environments/fin-prod")).status()).toBe(404);
  const hidden = await page.goto("/environments/fin-prod");
  expect(hidden?.status()).toBe(404);
  await expect(page.getByText("Finance (prod)")).toHaveCount(0);
  expect((await page.goto("/environments/fin-prod/dags"))?.status()).toBe(404);
  expect(csp).toEqual([]);

  // A deep link survives the sign-in round trip.
  await page.context().clearCookies();
  await signIn(page, "ann", "/environments/sales-prod");
  await expect(page).toHaveURL(`${f.baseUrl}/environments/sales-prod`);
  await expect(page.getByTestId(TID.envHeader)).toContainText("Sales (prod)");

  // Signed in, /signin sends the viewer on to callbackUrl: never to another origin, however it is spelled.
  for (const target of ["/%09/evil.example", "/%09%5Cevil.example", "/%0a/evil.example", "/%0d%0a/evil.example", "%2F%2Fevil.example", "/%5C%5Cevil.example", "javascript:alert(1)", "/%2e%2e//evil.example"]) {
    const res = await page.request.get(`/signin?callbackUrl=${target}`, { maxRedirects: 0 });
    expect(res.status(), target).toBe(307);
    const location = res.headers().location;
    expect(location, target).not.toMatch(/evil|javascript|[\t\r\n\\]/i);
    expect(new URL(location, f.baseUrl).origin, target).toBe(f.baseUrl);
  }
  const deep = await page.request.get(`/signin?callbackUrl=${encodeURIComponent("/environments/sales-prod?x=1")}`, { maxRedirects: 0 });
  expect(new URL(deep.headers().location, f.baseUrl).href).toBe(`${f.baseUrl}/environments/sales-prod?x=1`);

  await page.goto("/signout");
  await page.getByTestId("signout").click();
  await expect(page).toHaveURL(/\/signin$/);
  await page.goto("/");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2F$/);
  expect((await page.request.get("/api/v1/fleet")).status()).toBe(401);
});

test("a person the rules do not admit is refused, with a reason", async ({ page }) => {
  await signIn(page, "eve");
  await expect(page).toHaveURL(/\/signin\?error=AccessDenied/);
  await expect(page.getByTestId("signin-error")).toContainText("may not see the board");
  await page.screenshot({ path: "test-results/screenshots/signin-refused.png" });
  expect((await page.context().cookies()).some((c) => c.name.includes("session-token"))).toBe(false);
  expect((await page.request.get("/api/v1/fleet")).status()).toBe(401);
});

test("groups open restricted environments; an admin sees everything and the session survives a restart", async ({ page, browser }) => {
  await signIn(page, "fay");
  await expect(page).toHaveURL(`${f.baseUrl}/`);
  expect(await visibleIds(page)).toEqual(["fin-prod", "locked-dev", "sales-dev", "sales-prod"]);

  const admin = await browser.newPage();
  await signIn(admin, "root");
  await expect(admin).toHaveURL(`${f.baseUrl}/`);
  expect(await visibleIds(admin)).toEqual(["fin-prod", "locked-dev", "ops-prod", "sales-dev", "sales-prod"]);

  await control(f, "restart");
  await admin.goto("/");
  await expect(admin).toHaveURL(`${f.baseUrl}/`);
  await expect(admin.getByTestId(TID.tile)).toHaveCount(5);
  expect((await admin.request.get("/api/v1/me").then((r) => r.json())) as unknown).toMatchObject({ role: "admin" });
  await admin.close();
});

test("a wall screen opens its display link once and keeps a read-only cookie; the token never reaches the page", async ({ browser }) => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const csp = watchCsp(page);
  await page.goto(`/wall?token=${encodeURIComponent(f.secrets.LOBBY_TOKEN)}`);
  await expect(page).toHaveURL(`${f.baseUrl}/wall`);
  expect(await page.content()).not.toContain(f.secrets.LOBBY_TOKEN);
  expect(await page.evaluate(() => document.cookie)).toBe("");
  expect(await visibleIds(page)).toEqual(["sales-prod"]);
  await expect(page.getByTestId(TID.tile).first()).toBeVisible();
  await expect(page.getByTestId(TID.tile)).toHaveCount(1);
  // History holds no token either.
  expect(await page.evaluate(() => location.href)).not.toContain("token");
  expect(csp).toEqual([]);
  await page.goto("/");
  await expect(page).toHaveURL(/\/signin/);
  await ctx.close();
});

test("no page, API response or log line carries a configured secret", async ({ page }) => {
  const bodies: string[] = [];
  const record = async (res: Response) => {
    try {
      bodies.push(res.url(), JSON.stringify(await res.allHeaders()), await res.text());
    } catch {
      // redirects and aborted streams have no body
    }
  };
  page.on("response", (res) => void record(res));
  await signIn(page, "root");
  await expect(page).toHaveURL(`${f.baseUrl}/`);
  const fleet = (await (await page.request.get("/api/v1/fleet")).json()) as FleetResponse;
  const dags = (await (await page.request.get("/api/v1/environments/sales-prod/dags")).json()) as { dags: { dagId: string }[] };
  const dagId = dags.dags[0].dagId;
  for (const path of ["/", "/environments/sales-prod", `/environments/sales-prod/dags/${dagId}`, "/environments/locked-dev", "/wall", "/signin", "/signout"]) {
    await page.goto(path);
    bodies.push(await page.content());
  }
  const api = [
    ...fleet.environments.flatMap((e) => [`/api/v1/environments/${e.id}`, `/api/v1/environments/${e.id}/dags`]),
    `/api/v1/environments/sales-prod/dags/${dagId}/runs`,
    "/api/v1/environments/locked-dev/dags/no_such_dag/runs",
    "/api/v1/search?q=a",
    "/api/v1/me",
    "/api/auth/session",
    "/api/auth/providers",
    "/api/auth/csrf",
  ];
  for (const path of api) {
    const res = await page.request.get(path);
    bodies.push(path, JSON.stringify(res.headersArray()), await res.text());
  }
  // The first SSE message.
  bodies.push(
    await page.evaluate(
      () =>
        new Promise<string>((resolve) => {
          const es = new EventSource("/api/v1/events");
          es.addEventListener("fleet", (e) => {
            es.close();
            resolve((e as MessageEvent<string>).data);
          });
        }),
    ),
  );
  // Failed attempts must not echo what they were given either.
  for (const token of Object.values(f.secrets)) bodies.push(await (await page.request.get(`/wall?token=${encodeURIComponent(`${token}x`)}`, { maxRedirects: 0 })).text());

  const all = bodies.join("\n");
  expect(all).toContain("sales-prod");
  for (const [name, value] of Object.entries(f.secrets)) expect(all.includes(value), `${name} appears in a response`).toBe(false);
  const log = readFileSync(f.logFile, "utf8");
  expect(log).toContain("flightboard: authentication on");
  for (const [name, value] of Object.entries(f.secrets)) expect(log.includes(value), `${name} appears in the server log`).toBe(false);
});
