import { readFileSync, writeFileSync } from "node:fs";
import { expect, test, type APIRequestContext } from "@playwright/test";
import type { FleetResponse } from "../lib/monitor/dto";
import { control, readFixture } from "./auth-fixture";

/**
 * The bars of the sign-in issue, checked from outside over HTTP against a server started as the
 * README documents (config file with `auth:`, secrets in env vars): nothing answers without a
 * session or display token, /api/healthz does; display-token scope and revocation; hostile ids;
 * security headers.
 */

const f = readFixture();
const PAGES = ["/", "/environments/sales-prod", "/environments/sales-prod/dags/some_dag", "/wall", "/wall?rotate=10", "/no-such-page"];
const API = [
  "/api/v1/fleet",
  "/api/v1/fleet?tag=team:sales",
  "/api/v1/environments/sales-prod",
  "/api/v1/environments/sales-prod/dags",
  "/api/v1/environments/sales-prod/dags/some_dag/runs",
  "/api/v1/search?q=a",
  "/api/v1/events",
  "/api/v1/me",
  "/api/v1/no-such-route",
];
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function fleetIds(request: APIRequestContext, headers: Record<string, string>): Promise<string[]> {
  const res = await request.get("/api/v1/fleet", { headers });
  expect(res.status()).toBe(200);
  return ((await res.json()) as FleetResponse).environments.map((e) => e.id).sort();
}

test.describe.configure({ mode: "serial" });

test("without a session or display token no page or /api/v1 route answers; /api/healthz does", async ({ request }) => {
  const health = await request.get("/api/healthz");
  expect(health.status()).toBe(200);
  expect(await health.json()).toEqual({ ok: true });

  const attempts: Record<string, string>[] = [
    {},
    { cookie: "next-auth.session-token=eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0.forged.forged.forged.forged" },
    { cookie: "flightboard-display=v1.lobby.1700000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" },
    bearer("not-a-token"),
  ];
  for (const headers of attempts) {
    for (const path of PAGES) {
      const res = await request.get(path, { headers, maxRedirects: 0 });
      expect(res.status(), path).toBe(307);
      expect(new URL(res.headers().location, f.baseUrl).pathname).toBe("/signin");
      expect(await res.text()).not.toContain("Sales (prod)");
    }
    for (const path of API) {
      const res = await request.get(path, { headers, maxRedirects: 0 });
      expect(res.status(), path).toBe(401);
      expect(res.headers()["content-type"]).toMatch(/^application\/json/);
      expect(await res.json()).toEqual({ error: { code: "unauthorized", message: expect.any(String) } });
    }
  }
  // The sign-in page itself is public and names only the providers.
  const signin = await request.get("/signin");
  expect(signin.status()).toBe(200);
  expect(await signin.text()).not.toMatch(/sales-prod|Finance/);
});

test("security headers: nonce CSP without unsafe-eval, no framing, nosniff, no referrer", async ({ request }) => {
  for (const path of ["/signin", "/api/healthz", "/api/v1/fleet"]) {
    const h = (await request.get(path)).headers();
    expect(h["x-content-type-options"], path).toBe("nosniff");
    expect(h["referrer-policy"], path).toBe("no-referrer");
    expect(h["x-frame-options"], path).toBe("DENY");
    expect(h["content-security-policy"], path).toContain("frame-ancestors 'none'");
    expect(h["content-security-policy"], path).not.toContain("unsafe-eval");
  }
  const csp = (await request.get("/signin")).headers()["content-security-policy"];
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{20,}' 'strict-dynamic'/);
  const again = (await request.get("/signin")).headers()["content-security-policy"];
  expect(again).not.toBe(csp); // a fresh nonce per response
});

test("display tokens read only their environments, only through the API and the wall", async ({ request }) => {
  expect(await fleetIds(request, bearer(f.secrets.LOBBY_TOKEN))).toEqual(["sales-prod"]);
  expect(await fleetIds(request, bearer(f.secrets.FINWALL_TOKEN))).toEqual(["fin-prod"]);
  expect(await fleetIds(request, bearer(f.secrets.SCRIPTS_TOKEN))).toEqual(["locked-dev", "sales-dev", "sales-prod"]);
  expect((await request.get("/api/v1/environments/fin-prod", { headers: bearer(f.secrets.LOBBY_TOKEN) })).status()).toBe(404);
  expect(await (await request.get("/api/v1/me", { headers: bearer(f.secrets.LOBBY_TOKEN) })).json()).toEqual({ kind: "display", name: "lobby", tags: { stage: "prod" } });
  // A bearer token opens no page.
  const page = await request.get("/", { headers: bearer(f.secrets.LOBBY_TOKEN), maxRedirects: 0 });
  expect(page.status()).toBe(307);
});

test("/wall?token= swaps the token for an httpOnly cookie once, strips it from the URL, and the cookie opens nothing but the wall and the API", async ({ playwright }) => {
  const ctx = await playwright.request.newContext({ baseURL: f.baseUrl });
  const res = await ctx.get(`/wall?rotate=15&token=${encodeURIComponent(f.secrets.LOBBY_TOKEN)}`, { maxRedirects: 0 });
  expect(res.status()).toBe(303);
  expect(res.headers().location).toBe("/wall?rotate=15");
  expect(res.headers()["referrer-policy"]).toBe("no-referrer");
  const setCookie = res.headersArray().filter((h) => h.name.toLowerCase() === "set-cookie").map((h) => h.value);
  expect(setCookie).toHaveLength(1);
  expect(setCookie[0]).toMatch(/^flightboard-display=v1\.lobby\.\d+\.[A-Za-z0-9_-]{43}; /);
  expect(setCookie[0]).toMatch(/HttpOnly/i);
  expect(setCookie[0]).toMatch(/SameSite=lax/i);
  expect(setCookie[0]).toMatch(/Max-Age=31536000/);
  expect(setCookie[0]).not.toContain(f.secrets.LOBBY_TOKEN);

  expect((await ctx.get("/wall", { maxRedirects: 0 })).status()).toBe(200);
  expect(await fleetIds(ctx, {})).toEqual(["sales-prod"]);
  for (const path of ["/", "/environments/sales-prod"]) expect((await ctx.get(path, { maxRedirects: 0 })).status(), path).toBe(307);

  const bad = await ctx.get("/wall?token=guessed-token-value", { maxRedirects: 0 });
  expect(bad.status()).toBe(401);
  expect(await bad.text()).not.toContain("guessed-token-value");
  await ctx.dispose();
});

test("a display token on any other path is dropped from the URL first, never echoed in a Location or a page", async ({ playwright }) => {
  const token = f.secrets.LOBBY_TOKEN;
  const t = encodeURIComponent(token);
  const cases: [string, string][] = [
    [`/?token=${t}`, "/"],
    [`/WALL?token=${t}`, "/WALL"],
    [`/Wall?rotate=5&token=${t}`, "/Wall?rotate=5"],
    [`/environments/x?token=${t}`, "/environments/x"],
    [`/environments/sales-prod/dags/d?a=1&token=${t}&b=2`, "/environments/sales-prod/dags/d?a=1&b=2"],
    [`/wall?TOKEN=${t}`, "/wall"],
    [`/signin?token=${t}`, "/signin"],
    [`/no-such-page?Token=${t}`, "/no-such-page"],
    [`/api/auth/signin?token=${t}`, "/api/auth/signin"],
  ];
  for (const withCookie of [false, true]) {
    const ctx = await playwright.request.newContext({ baseURL: f.baseUrl });
    if (withCookie) expect((await ctx.get(`/wall?token=${t}`, { maxRedirects: 0 })).status()).toBe(303);
    for (const [path, clean] of cases) {
      const res = await ctx.get(path, { maxRedirects: 0 });
      expect(res.status(), path).toBe(303);
      const loc = new URL(res.headers().location, f.baseUrl);
      expect(`${loc.pathname}${loc.search}`, path).toBe(clean);
      expect(res.headers()["set-cookie"], path).toBeUndefined();
      expect(await res.text()).not.toContain(token);
      // Then wherever the clean URL leads (sign-in, a page, a 404), the token never comes back.
      let next = clean;
      for (let hop = 0; hop < 5; hop++) {
        const r = await ctx.get(next, { maxRedirects: 0 });
        const body = await r.text();
        expect(body, next).not.toContain(token);
        expect(body, next).not.toContain(t);
        const loc = r.headers().location;
        if (!loc) break;
        expect(decodeURIComponent(loc), next).not.toContain(token);
        next = loc;
      }
    }
    // The sign-in page never hands a token back to the browser through its return path either.
    // (Next.js writes the request URL into the page, so the proxy cleans the whole URL first.)
    const nested = `/signin?callbackUrl=${encodeURIComponent(`/environments/x?token=${token}&a=1`)}`;
    const first = await ctx.get(nested, { maxRedirects: 0 });
    expect(first.status()).toBe(303);
    expect(decodeURIComponent(first.headers().location)).toBe("/signin?callbackUrl=/environments/x?a=1");
    const signin = await ctx.get(nested);
    expect(signin.status()).toBe(200);
    expect(await signin.text()).not.toContain(token);
    await ctx.dispose();
  }
});

test("hostile ids never make the server call anything but the configured environment", async ({ request }) => {
  const headers = bearer(f.secrets.SCRIPTS_TOKEN);
  const canary = new URL(f.canaryUrl).host;
  const hostileDags = [
    "..", ".", "...", "../../../etc/passwd", "a/../../b", "a%2Fb", "%2e%2e", "..%2F..%2Fhealth", "a\\b", "x".repeat(300), "dåg", "📈", "a b",
    `http://${canary}/x`, `//${canary}`, "a?limit=1000", "a#x", "%00", "\u0000",
  ];
  await control(f, "reset");
  for (const env of ["locked-dev", "sales-dev"]) {
    for (const dagId of hostileDags) {
      const res = await request.get(`/api/v1/environments/${env}/dags/${encodeURIComponent(dagId)}/runs`, { headers });
      expect([400, 404], `${env} ${JSON.stringify(dagId)}`).toContain(res.status());
    }
  }
  // Unencoded and doubly encoded forms, and ids of environments that are not configured.
  for (const raw of [
    "/api/v1/environments/locked-dev/dags/../../../../health/runs",
    "/api/v1/environments/locked-dev/dags/%252e%252e/runs",
    "/api/v1/environments/..%2F..%2Fhealth/dags/x/runs",
    `/api/v1/environments/${encodeURIComponent(`http://${canary}`)}/dags/x/runs`,
    `/api/v1/environments/${encodeURIComponent(canary)}/dags`,
  ]) {
    const res = await request.get(raw, { headers });
    expect([400, 401, 404], raw).toContain(res.status());
  }
  // A well-formed id the cached list cannot vouch for (locked-dev's list never loads) goes to that environment, encoded.
  expect((await request.get("/api/v1/environments/locked-dev/dags/no_such_dag/runs", { headers })).status()).toBeGreaterThanOrEqual(400);
  // The Host and forwarding headers never choose an origin: next-auth's URLs stay on the configured one.
  const providers = await request.get("/api/auth/providers", { headers: { host: canary, "x-forwarded-host": canary, "x-forwarded-proto": "https" } });
  expect(JSON.stringify(await providers.json())).not.toContain(canary);
  expect((await request.get("/api/v1/fleet", { headers: { ...headers, "x-forwarded-host": canary } })).status()).toBe(200);

  const stats = await control(f, "stats");
  expect(stats.canary).toBe(0);
  expect(Object.keys(stats.sim.byEnvironment).every((id) => id in f.simUrls)).toBe(true);
  const allowed = /^(GET|POST) (\/health|\/auth\/token|\/api\/v[12]\/(health|monitor\/health|version|dags|dags\/~\/dagRuns|importErrors|dags\/\{dag_id\}|dags\/\{dag_id\}\/dagRuns))$/;
  for (const route of Object.keys(stats.sim.byRoute)) expect(route).toMatch(allowed);
  // Exactly one per-DAG call: the well-formed id, for the environment asked about.
  const perDag = Object.entries(stats.sim.byRoute).filter(([k]) => k.includes("{dag_id}")).reduce((n, [, v]) => n + v, 0);
  expect(perDag).toBe(1);
});

test("removing a display token from the configuration file revokes it at once", async ({ playwright }) => {
  const ctx = await playwright.request.newContext({ baseURL: f.baseUrl });
  await ctx.get(`/wall?token=${encodeURIComponent(f.secrets.REVOCABLE_TOKEN)}`, { maxRedirects: 0 });
  expect((await ctx.get("/api/v1/fleet")).status()).toBe(200);
  expect((await ctx.get("/wall", { maxRedirects: 0 })).status()).toBe(200);

  const original = readFileSync(f.configFile, "utf8");
  const config = JSON.parse(original) as { auth: { displayTokens: { name: string }[] } };
  config.auth.displayTokens = config.auth.displayTokens.filter((t) => t.name !== "revocable");
  writeFileSync(f.configFile, JSON.stringify(config, null, 2));
  try {
    // The very next request, page or API, already goes by the new file.
    expect((await ctx.get("/wall", { maxRedirects: 0 })).status()).toBe(307);
    expect((await ctx.get("/api/v1/fleet")).status()).toBe(401);
    expect((await ctx.get("/api/v1/fleet", { headers: bearer(f.secrets.REVOCABLE_TOKEN) })).status()).toBe(401);
    expect((await ctx.get("/api/v1/fleet", { headers: bearer(f.secrets.LOBBY_TOKEN) })).status()).toBe(200);
  } finally {
    writeFileSync(f.configFile, original);
    await ctx.dispose();
  }
});
