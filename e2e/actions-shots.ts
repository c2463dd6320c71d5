// Screenshots of the action buttons (issue 15): an operator and a viewer, desktop and phone, light
// and dark. Starts the simulator, writes a config with auth and actions on, starts the production
// server (`node scripts/start.mjs`) on a free port, signs in by a session cookie minted with the
// configured secret, and saves PNGs in /tmp/shots-actions/. Run: npx tsx e2e/actions-shots.ts
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { encode } from "next-auth/jwt";
import { chromium } from "@playwright/test";
import { actionsConfig } from "../lib/server/testing/actions-config";
import { startSimulator } from "../sim/index";

const OUT = "/tmp/shots-actions";
mkdirSync(OUT, { recursive: true });
const SECRET = "shots-signing-secret-0123456789-abcdefghijklmnop";

const port = await new Promise<number>((resolve) => {
  const s = createServer().listen(0, "127.0.0.1", () => {
    const p = (s.address() as { port: number }).port;
    s.close(() => resolve(p));
  });
});
const origin = `http://localhost:${port}`;
const sim = await startSimulator({
  environments: [
    { id: "sales-prod", name: "Sales (prod)", tags: { team: "sales" }, airflowVersion: "2.10.5", scenario: "failing-dags", dagCount: 12 },
    { id: "sales-dev", name: "Sales (dev)", tags: { team: "sales" }, airflowVersion: "3.1.0", scenario: "healthy", dagCount: 8 },
  ],
});
const dir = mkdtempSync(path.join(tmpdir(), "fb-shots-"));
const file = path.join(dir, "flightboard.json");
const raw = {
  ...actionsConfig(sim.config, origin),
  storage: { sqlite: { path: path.join(dir, "history.db") } },
  refresh: { health: 5, runs: 10, dags: 30 },
};
writeFileSync(file, JSON.stringify(raw, null, 2));
const server = spawn("node", ["scripts/start.mjs"], {
  detached: true,
  stdio: ["ignore", "inherit", "inherit"],
  env: { ...process.env, ...sim.processEnv, PORT: String(port), FLIGHTBOARD_CONFIG: file, FLIGHTBOARD_AUTH_SECRET: SECRET, FLIGHTBOARD_OIDC_CLIENT_SECRET: "shots-oidc-secret-000000000000000", NEXT_TELEMETRY_DISABLED: "1" },
});
const stop = async () => {
  try {
    process.kill(-server.pid!, "SIGTERM");
  } catch {
    // already gone
  }
  await sim.close();
};
try {
  for (let i = 0; ; i++) {
    const ok = await fetch(`${origin}/api/healthz`).then((r) => r.ok).catch(() => false);
    if (ok) break;
    if (i > 240) throw new Error("server did not start");
    await new Promise((r) => setTimeout(r, 500));
  }
  await new Promise((r) => setTimeout(r, 6000)); // a first poll cycle
  const cookie = async (email: string, groups: string[]) =>
    encode({ token: { sub: email, fb: { sub: email, provider: "oidc", name: email, email, emailVerified: true, groups } }, secret: SECRET, maxAge: 3600 });
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium" });
  const fleet = (await (await fetch(`${origin}/api/v1/environments/sales-prod`, { headers: { cookie: `next-auth.session-token=${await cookie("op@example.com", ["oncall"])}` } })).json()) as { failingDags: { dagId: string }[] };
  const failing = fleet.failingDags[0]?.dagId ?? "x";
  for (const [who, email, groups] of [["operator", "op@example.com", ["oncall"]], ["viewer", "ann@example.com", []]] as const) {
    for (const scheme of ["light", "dark"] as const) {
      for (const [size, viewport] of [["desktop", { width: 1920, height: 1080 }], ["phone", { width: 390, height: 844 }]] as const) {
        const ctx = await browser.newContext({ viewport, colorScheme: scheme });
        await ctx.addCookies([{ name: "next-auth.session-token", value: await cookie(email, [...groups]), url: origin }]);
        const page = await ctx.newPage();
        const shot = (name: string) => page.screenshot({ path: `${OUT}/${name}-${who}-${size}-${scheme}.png`, fullPage: size === "phone" });
        await page.goto(`${origin}/environments/sales-prod/dags/${failing}`);
        await page.getByTestId("dag-actions").waitFor();
        await page.waitForTimeout(1500);
        if (who === "operator" && scheme === "light") {
          await page.getByRole("button", { name: "Trigger run" }).click();
          await shot("dag-confirm");
          await page.getByRole("button", { name: "Confirm" }).click();
          await page.getByRole("status").first().waitFor();
        }
        await shot("dag");
        await page.goto(`${origin}/environments/sales-prod`);
        await page.getByTestId("env-actions").waitFor();
        await page.waitForTimeout(1500);
        await shot("env");
        await ctx.close();
      }
    }
  }
  await browser.close();
  console.log(`screenshots in ${OUT}`);
} finally {
  await stop();
}
