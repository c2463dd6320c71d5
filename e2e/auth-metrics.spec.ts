import { spawnSync } from "node:child_process";
import { expect, test } from "@playwright/test";
import { readFixture } from "./auth-fixture";

/**
 * `/metrics` and `/api/readyz` on the production entry point with authentication on (contract §9,
 * §10): the scrapers' token sees every environment, a display token only its own, nothing else gets
 * in; readiness needs no credentials and says nothing secret.
 */

const f = readFixture();
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const environmentsIn = (text: string) => [...new Set([...text.matchAll(/^flightboard_environment_status\{environment="([^"]+)"/gm)].map((m) => m[1]))].sort();

test("/metrics needs the metrics token or a display token; a display token sees only its environments", async ({ request }) => {
  for (const headers of [{}, bearer("not-a-token"), { cookie: "next-auth.session-token=forged" }] as Record<string, string>[]) {
    const res = await request.get("/metrics", { headers });
    expect(res.status()).toBe(401);
    expect(res.headers()["x-content-type-options"]).toBe("nosniff");
  }
  // Wait for the first poll cycle so every environment has data.
  await expect.poll(async () => (await request.get("/api/readyz")).status(), { timeout: 60_000 }).toBe(200);

  const scraper = await request.get("/metrics", { headers: bearer(f.secrets.METRICS_TOKEN) });
  expect(scraper.status()).toBe(200);
  expect(scraper.headers()["content-type"]).toContain("text/plain; version=0.0.4");
  const text = await scraper.text();
  const check = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
  expect(`${check.stdout}${check.stderr}`.trim()).toBe("");
  const all = environmentsIn(text);
  expect(all).toEqual(Object.keys(f.simUrls).sort());

  // The lobby token sees the prod stage only.
  const lobby = await request.get("/metrics", { headers: bearer(f.secrets.LOBBY_TOKEN) });
  expect(lobby.status()).toBe(200);
  const lobbyEnvs = environmentsIn(await lobby.text());
  expect(lobbyEnvs.length).toBeGreaterThan(0);
  expect(lobbyEnvs.length).toBeLessThan(all.length);
  for (const id of lobbyEnvs) expect(id).toMatch(/prod/);

  // The scrapers' token is not a display token: it opens nothing else.
  expect((await request.get("/api/v1/fleet", { headers: bearer(f.secrets.METRICS_TOKEN) })).status()).toBe(401);
  // Nothing the server knows as a secret is in the exposition.
  for (const v of Object.values(f.secrets)) expect(text).not.toContain(v);
});

test("/api/readyz answers without credentials, as JSON with the contract's shape", async ({ request }) => {
  const res = await request.get("/api/readyz");
  expect(res.status()).toBe(200);
  expect(await res.json()).toEqual({ ready: true, role: "single" });
  expect(res.headers()["content-security-policy"]).toBeTruthy();
});
