// The world of the authentication end-to-end tests, started by Playwright as a web server:
//  - the fleet simulator (in-process, so its request counters can be read),
//  - a real OpenID Connect provider (`oidc-provider`) on loopback with test accounts,
//  - a canary HTTP server no request of ours may ever reach,
//  - Flightboard itself, started exactly as the README documents (`npm start` = scripts/start.mjs)
//    with FLIGHTBOARD_CONFIG pointing at a file with an `auth:` section, secrets in env vars.
// It writes .flightboard/e2e-auth/fixture.json for the tests (paths, ports, test secrets) and
// serves a small control API (simulator stats, canary hits, server restart).
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startSimulator } from "../sim/index";
import { firstPartyGrant } from "../lib/server/testing/oidc";
import { ACCOUNTS, type AuthFixture } from "./auth-fixture";

// oidc-provider warns about its development conveniences (in-memory store, dev keys and login
// form) and about Node 20; all expected in a test identity provider, so those lines are dropped.
const warn = console.warn.bind(console);
console.warn = (...args: unknown[]) => {
  if (!String(args[0]).includes("oidc-provider WARNING")) warn(...args);
};
const { default: Provider } = await import("oidc-provider");

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const PORT = Number(process.env.E2E_AUTH_PORT ?? 3108);
const BASE = `http://localhost:${PORT}`;
const dir = path.join(root, ".flightboard", "e2e-auth");
mkdirSync(dir, { recursive: true });

if (!existsSync(path.join(root, ".next", "BUILD_ID"))) {
  console.error("auth e2e: no production build; run `npm run build` first (npm test does)");
  process.exit(1);
}

const secret = () => randomBytes(36).toString("base64url");
const secrets = { auth: secret(), client: secret(), lobby: secret(), finwall: secret(), revocable: secret(), scripts: secret(), metrics: secret() };

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
}

// --- the fleet -------------------------------------------------------------------------------
const sim = await startSimulator({
  environments: [
    { id: "sales-prod", name: "Sales (prod)", tags: { team: "sales", stage: "prod" }, airflowVersion: "2.10.5", scenario: "failing-dags", dagCount: 12 },
    { id: "sales-dev", name: "Sales (dev)", tags: { team: "sales", stage: "dev" }, airflowVersion: "3.1.0", scenario: "healthy", dagCount: 8 },
    { id: "fin-prod", name: "Finance (prod)", tags: { team: "finance", stage: "prod" }, airflowVersion: "3.1.0", scenario: "import-errors", dagCount: 8 },
    { id: "ops-prod", name: "Ops (prod)", tags: { team: "ops", stage: "prod" }, airflowVersion: "2.10.5", scenario: "healthy", dagCount: 8 },
    // Its DAG list never loads, so the per-DAG runs route has no cached list to check ids against.
    { id: "locked-dev", name: "Locked (dev)", tags: { team: "ops", stage: "dev" }, airflowVersion: "2.10.5", scenario: "bad-credentials", dagCount: 4 },
  ],
});

// --- a server that must never be called ------------------------------------------------------
let canaryHits = 0;
const canary = createServer((_req, res) => {
  canaryHits++;
  res.end("canary");
});
const canaryPort = await listen(canary);

// --- the identity provider -------------------------------------------------------------------
let provider: InstanceType<typeof Provider> | null = null;
const idp = createServer((req, res) => (provider ? provider.callback()(req, res) : res.writeHead(503).end()));
const idpPort = await listen(idp);
const issuer = `http://127.0.0.1:${idpPort}`;
provider = new Provider(issuer, {
  clients: [
    {
      client_id: "flightboard-e2e",
      client_secret: secrets.client,
      redirect_uris: [`${BASE}/api/auth/callback/oidc`],
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
    },
  ],
  scopes: ["openid", "email", "profile", "groups"],
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"], groups: ["groups"] },
  async findAccount(_ctx, sub) {
    const a = ACCOUNTS[sub as keyof typeof ACCOUNTS];
    return a ? { accountId: sub, claims: async () => ({ sub, name: a.name, email: a.email, email_verified: true, groups: a.groups }) } : undefined;
  },
  loadExistingGrant: firstPartyGrant("openid email profile groups"),
  cookies: { keys: [secret()] },
  features: { devInteractions: { enabled: true } },
});

// --- Flightboard's configuration, as an operator would write it -----------------------------
const raw = structuredClone(sim.config) as unknown as { environments: Record<string, unknown>[] } & Record<string, unknown>;
raw.refresh = { health: 5, runs: 10, dags: 30 };
for (const e of raw.environments) {
  if (e.id === "fin-prod") e.access = { groups: ["finance"] };
  if (e.id === "ops-prod") e.access = { groups: [] };
}
raw.auth = {
  url: BASE,
  providers: { oidc: { name: "Test SSO", issuer, clientId: "flightboard-e2e", clientSecretEnv: "E2E_OIDC_CLIENT_SECRET", scopes: ["openid", "email", "profile", "groups"] } },
  secretEnv: "E2E_AUTH_SECRET",
  viewers: { emailDomains: ["example.com"] },
  admins: { groups: ["fb-admins"] },
  sessionHours: 1,
  displayTokens: [
    { name: "lobby", tokenEnv: "E2E_LOBBY_TOKEN", tags: { stage: "prod" } },
    { name: "finwall", tokenEnv: "E2E_FINWALL_TOKEN", tags: { team: "finance" }, groups: ["finance"] },
    { name: "revocable", tokenEnv: "E2E_REVOCABLE_TOKEN" },
    { name: "scripts", tokenEnv: "E2E_SCRIPTS_TOKEN" },
  ],
};
raw.metrics = { tokenEnv: "E2E_METRICS_TOKEN" };
const configFile = path.join(dir, "flightboard.yaml");
writeFileSync(configFile, `${JSON.stringify(raw, null, 2)}\n`);
const logFile = path.join(dir, "server.log");
const log = createWriteStream(logFile, { flags: "w" });

const serverEnv: NodeJS.ProcessEnv = {
  ...process.env,
  ...sim.processEnv,
  PORT: String(PORT),
  FLIGHTBOARD_CONFIG: configFile,
  FLIGHTBOARD_SKIP_BUILD: "1",
  NEXT_TELEMETRY_DISABLED: "1",
  E2E_AUTH_SECRET: secrets.auth,
  E2E_OIDC_CLIENT_SECRET: secrets.client,
  E2E_LOBBY_TOKEN: secrets.lobby,
  E2E_FINWALL_TOKEN: secrets.finwall,
  E2E_REVOCABLE_TOKEN: secrets.revocable,
  E2E_SCRIPTS_TOKEN: secrets.scripts,
  E2E_METRICS_TOKEN: secrets.metrics,
};
delete serverEnv.NEXTAUTH_URL;

// --- Flightboard, (re)started like `npm start` -----------------------------------------------
let server: ChildProcess | null = null;

function startServer(): void {
  // Its own process group, so a restart or shutdown stops `next start` too (start.mjs's child).
  const child = spawn(process.execPath, [path.join(root, "scripts", "start.mjs")], { cwd: root, env: serverEnv, stdio: ["ignore", "pipe", "pipe"], detached: true });
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.on("data", (chunk: Buffer) => {
      log.write(chunk);
      process.stdout.write(chunk);
    });
  }
  server = child;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}

/** SIGTERM, then SIGKILL: Next waits for open event streams, which never end by themselves. */
function stopServer(): Promise<void> {
  const child = server;
  server = null;
  if (!child || child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => killGroup(child, "SIGKILL"), 2000);
    child.once("exit", () => {
      clearTimeout(force);
      killGroup(child, "SIGKILL");
      resolve();
    });
    killGroup(child, "SIGTERM");
  });
}

async function waitHealthy(timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      if ((await fetch(`${BASE}/api/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("Flightboard did not become healthy");
}

// --- control API for the tests -----------------------------------------------------------------
function reply(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
}
const control = createServer((req: IncomingMessage, res: ServerResponse) => {
  void (async () => {
    if (req.url === "/stats") return reply(res, { sim: sim.stats(), canary: canaryHits });
    if (req.url === "/reset" && req.method === "POST") {
      sim.resetStats();
      canaryHits = 0;
      return reply(res, { ok: true });
    }
    if (req.url === "/restart" && req.method === "POST") {
      await stopServer();
      startServer();
      await waitHealthy();
      return reply(res, { ok: true });
    }
    res.writeHead(404).end();
  })().catch((e: unknown) => res.writeHead(500).end(String(e)));
});
const controlPort = await listen(control);

const fixture: AuthFixture = {
  baseUrl: BASE,
  issuer,
  configFile,
  logFile,
  controlUrl: `http://127.0.0.1:${controlPort}`,
  canaryUrl: `http://127.0.0.1:${canaryPort}`,
  simUrls: Object.fromEntries(raw.environments.map((e) => [e.id as string, sim.url(e.id as string)])),
  secrets: {
    FLIGHTBOARD_AUTH_SECRET: secrets.auth,
    OIDC_CLIENT_SECRET: secrets.client,
    LOBBY_TOKEN: secrets.lobby,
    FINWALL_TOKEN: secrets.finwall,
    REVOCABLE_TOKEN: secrets.revocable,
    SCRIPTS_TOKEN: secrets.scripts,
    METRICS_TOKEN: secrets.metrics,
    ...Object.fromEntries(Object.entries(sim.processEnv).filter(([, v]) => v.length >= 8 && !/^https?:\/\//.test(v))),
  },
};
writeFileSync(path.join(dir, "fixture.json"), JSON.stringify(fixture, null, 2), { mode: 0o600 });

startServer();

async function shutdown(): Promise<void> {
  await stopServer();
  await sim.close();
  for (const s of [canary, idp, control]) s.close();
  log.end();
  process.exit(0);
}
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => void shutdown());
process.on("exit", () => {
  if (server) killGroup(server, "SIGKILL");
});
