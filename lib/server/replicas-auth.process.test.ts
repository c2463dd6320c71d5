import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "@/sim/index";
import { firstPartyGrant } from "./testing/oidc";
import { balancer, browse, hasProductionBuild, Jar, readyz, restartablePostgres, sleep, startReplicas, tearDownReplicas, until, writeReplicaConfig, type ReplicaServer, type TestPostgres } from "./testing/replicas-servers";

/**
 * Three production servers (dist/server.mjs) on one real PostgreSQL behind a round-robin balancer
 * without stickiness, with authentication on: a real OpenID Connect provider (oidc-provider) on
 * loopback, one shared `FLIGHTBOARD_AUTH_SECRET` and one configuration file.
 *  - upstream health requests per cycle equal the environments with one replica and with three;
 *  - signing in through the balancer (each step may reach another replica) gives a session that
 *    every replica accepts; a display-token cookie made by one replica opens the wall on the others;
 *  - the DAG lists, search and environments' failing DAGs and import errors (the leader's DAG cache)
 *    answer the same on every replica;
 *  - per-DAG runs (the one read that calls Airflow) answer on every replica, leader or follower;
 *  - removing a display token, or a person's domain, from the file is refused by every replica at once.
 */

const HEALTH_S = 5;
const ENVS = ["alpha", "bravo", "charlie"];
const runnable = hasProductionBuild();
const secret = () => randomBytes(36).toString("base64url");

/** A test identity provider: any password, accounts by login; no consent screen (a first-party app). */
async function identityProvider(redirectUri: () => string, clientSecret: string): Promise<{ issuer: string; close(): Promise<void> }> {
  const warn = console.warn;
  // oidc-provider warns about its development conveniences (in-memory store, dev login form): expected here.
  console.warn = (...a: unknown[]) => void (String(a[0]).includes("oidc-provider WARNING") || warn(...a));
  const { default: Provider } = await import("oidc-provider");
  let provider: InstanceType<typeof Provider> | null = null;
  const server: Server = createServer((req, res) => (provider ? provider.callback()(req, res) : res.writeHead(503).end()));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const accounts: Record<string, { email: string; name: string }> = { ann: { email: "ann@example.com", name: "Ann Viewer" } };
  provider = new Provider(issuer, {
    clients: [{ client_id: "flightboard", client_secret: clientSecret, redirect_uris: [redirectUri()], grant_types: ["authorization_code"], response_types: ["code"] }],
    scopes: ["openid", "email", "profile"],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    async findAccount(_ctx, sub) {
      const a = accounts[sub];
      return a ? { accountId: sub, claims: async () => ({ sub, ...a, email_verified: true }) } : undefined;
    },
    loadExistingGrant: firstPartyGrant("openid email profile"),
    cookies: { keys: [secret()] },
    features: { devInteractions: { enabled: true } },
  });
  return { issuer, close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))) };
}

/** The whole sign-in as a browser does it, through `base`: CSRF token, the provider's login form, the callback. */
async function signIn(base: string, login: string): Promise<Jar> {
  const jars = new Map<string, Jar>();
  const csrf = await browse(`${base}/api/auth/csrf`, jars);
  const { csrfToken } = (await csrf.res.json()) as { csrfToken: string };
  let at = await browse(`${base}/api/auth/signin/oidc`, jars, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ csrfToken, callbackUrl: `${base}/` }),
  });
  // The provider's form(s): hidden fields as given, plus the login (any password).
  for (let i = 0; i < 3 && new URL(at.url).origin !== base; i++) {
    const html = await at.res.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (!action) throw new Error(`no form at ${at.url}: ${html.slice(0, 300)}`);
    const fields = new URLSearchParams([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]] as [string, string]));
    if (/name="login"/.test(html)) {
      fields.set("login", login);
      fields.set("password", "any password");
    }
    at = await browse(new URL(action.replace(/&amp;/g, "&"), at.url).toString(), jars, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: fields });
  }
  expect(at.url).toBe(`${base}/`);
  expect(at.res.status).toBe(200);
  return jars.get(base)!;
}

describe.skipIf(!runnable)("three production replicas with sign-in: sessions, display tokens and revocation everywhere (contract §11)", () => {
  let pg: TestPostgres;
  let sim: Simulator;
  let idp: Awaited<ReturnType<typeof identityProvider>>;
  let lb: Awaited<ReturnType<typeof balancer>>;
  let dir: string;
  let configFile: string;
  let env: NodeJS.ProcessEnv;
  const servers: ReplicaServer[] = [];
  const secrets = { auth: secret(), client: secret(), lobby: secret(), revocable: secret() };
  const health = () => Object.entries(sim.stats().byRoute).reduce((n, [k, v]) => (/health/.test(k) ? n + v : n), 0);
  const roles = async () => Promise.all(servers.map(async (s) => (await readyz(s.url))?.role));
  const get = (url: string, cookie: string) => fetch(url, { headers: { cookie }, redirect: "manual", signal: AbortSignal.timeout(20_000) });
  const editConfig = (fn: (c: { auth: { viewers: { emailDomains: string[] }; displayTokens: { name: string }[] } }) => void) => {
    const c = JSON.parse(readFileSync(configFile, "utf8"));
    fn(c);
    writeFileSync(configFile, JSON.stringify(c, null, 2));
  };

  /** Health requests the simulator received per `refresh.health` cycle over `cycles` cycles. */
  async function perCycle(cycles: number): Promise<number> {
    const before = health();
    await sleep(cycles * HEALTH_S * 1000);
    return (health() - before) / cycles;
  }

  beforeAll(async () => {
    const p = await restartablePostgres();
    if (!p) throw new Error("no PostgreSQL binaries (apt-get install postgresql)");
    pg = p;
    sim = await startSimulator({ environments: ENVS.map((id) => ({ id, airflowVersion: "3.1.0", scenario: "healthy" as const, dagCount: 4 })) });
    lb = await balancer(() => servers.map((s) => s.url));
    idp = await identityProvider(() => `${lb.url}/api/auth/callback/oidc`, secrets.client);
    const raw = structuredClone(sim.config) as unknown as Record<string, unknown>;
    raw.refresh = { health: HEALTH_S, runs: 600, dags: 600 };
    raw.auth = {
      url: lb.url,
      providers: { oidc: { name: "Test SSO", issuer: idp.issuer, clientId: "flightboard", clientSecretEnv: "FB_OIDC_SECRET", scopes: ["openid", "email", "profile"] } },
      secretEnv: "FB_AUTH_SECRET",
      viewers: { emailDomains: ["example.com"] },
      sessionHours: 1,
      displayTokens: [
        { name: "lobby", tokenEnv: "FB_LOBBY_TOKEN" },
        { name: "revocable", tokenEnv: "FB_REVOCABLE_TOKEN" },
      ],
    };
    ({ dir, file: configFile } = writeReplicaConfig("flightboard-replicas-auth-", raw));
    env = {
      ...process.env,
      ...sim.processEnv,
      FLIGHTBOARD_CONFIG: configFile,
      FB_DATABASE_URL: pg.url,
      FB_AUTH_SECRET: secrets.auth,
      FB_OIDC_SECRET: secrets.client,
      FB_LOBBY_TOKEN: secrets.lobby,
      FB_REVOCABLE_TOKEN: secrets.revocable,
    };
    delete env.NEXTAUTH_URL;
    await startReplicas(servers, env, 1);
    await until("the first replica to lead", async () => (await roles())[0] === "leader", 60_000, 250);
  }, 300_000);

  afterAll(() => tearDownReplicas(servers, [() => lb?.close(), () => idp?.close(), () => sim?.close(), () => pg?.drop()], dir), 60_000);

  it("upstream health requests per cycle equal the environments, with one replica and with three", async () => {
    await sleep(1_000);
    const one = await perCycle(3);
    await startReplicas(servers, env, 2);
    await until("one leader, two followers", async () => (await roles()).sort().join() === "follower,follower,leader", 60_000, 250);
    const three = await perCycle(3);
    console.log(`${ENVS.length} environments, health requests per ${HEALTH_S} s cycle: ${one.toFixed(2)} with 1 replica, ${three.toFixed(2)} with 3`);
    // ±1 poll per environment at the window's edges; three pollers would make it 9.
    for (const n of [one, three]) {
      expect(n).toBeGreaterThanOrEqual(ENVS.length - 1);
      expect(n).toBeLessThanOrEqual(ENVS.length + 1);
    }
  }, 240_000);

  it("a session made through the balancer and a display cookie made by one replica work on every replica", async () => {
    const jar = await signIn(lb.url, "ann");
    console.log(`sign-in through the balancer: ${lb.hits.join("/")} requests per replica so far`);
    expect(jar.cookies.has("next-auth.session-token")).toBe(true);
    for (const s of servers) {
      const me = await get(`${s.url}/api/v1/me`, jar.header());
      expect(me.status, s.url).toBe(200);
      expect(await me.json()).toMatchObject({ kind: "user", email: "ann@example.com" });
      expect((await get(`${s.url}/`, jar.header())).status, s.url).toBe(200);
    }

    const made = await fetch(`${servers[0].url}/wall?token=${encodeURIComponent(secrets.lobby)}`, { redirect: "manual" });
    expect(made.status).toBe(303);
    const display = new Jar();
    display.take(made);
    expect(display.cookies.has("flightboard-display")).toBe(true);
    for (const s of servers.slice(1)) {
      expect((await get(`${s.url}/wall`, display.header())).status, s.url).toBe(200);
      const fleet = await get(`${s.url}/api/v1/fleet`, display.header());
      expect(fleet.status, s.url).toBe(200);
      expect(((await fleet.json()) as { environments: unknown[] }).environments).toHaveLength(ENVS.length);
    }
  }, 120_000);

  it("the DAG lists, search and an environment's failing DAGs and import errors answer the same on every replica", async () => {
    const jar = await signIn(lb.url, "ann");
    const read = async (s: ReplicaServer) => {
      const json = async (p: string) => (await get(`${s.url}${p}`, jar.header())).json() as Promise<Record<string, unknown>>;
      const lists = await Promise.all(ENVS.map((id) => json(`/api/v1/environments/${id}/dags`)));
      const details = await Promise.all(ENVS.map((id) => json(`/api/v1/environments/${id}`)));
      const search = await json("/api/v1/search?q=a");
      return { lists, search, cache: details.map((d) => ({ failingDags: d.failingDags, importErrors: d.importErrors, recentFailures: d.recentFailures })) };
    };
    const leader = servers[(await roles()).indexOf("leader")];
    const expected = await until("the leader's DAG lists", async () => {
      const r = await read(leader);
      return r.lists.every((l) => (l.total as number) > 0) && r;
    }, 30_000, 250);
    const t0 = Date.now();
    await until("every replica to answer as the leader", async () => {
      const answers = await Promise.all(servers.map(read));
      return answers.every((a) => JSON.stringify(a) === JSON.stringify(answers[0]));
    }, 5_000, 100);
    const mine = await Promise.all(servers.map(read));
    const dags = mine.map((a) => a.lists.reduce((n, l) => n + (l.total as number), 0));
    const hits = mine.map((a) => (a.search.results as unknown[]).length);
    console.log(`DAGs per replica ${dags.join("/")}, search hits ${hits.join("/")} (leader ${expected.lists.reduce((n, l) => n + (l.total as number), 0)} DAGs), all equal ${Date.now() - t0} ms after the leader's first full answer`);
    expect(dags.every((n) => n === ENVS.length * 4)).toBe(true);
    expect(hits.every((n) => n > 0 && n === hits[0])).toBe(true);
  }, 120_000);

  it("per-DAG runs and the DAG page answer on every replica, leader or follower", async () => {
    const jar = await signIn(lb.url, "ann");
    const leader = servers[(await roles()).indexOf("leader")];
    const dagId = await until(
      "the leader's DAG list",
      async () => ((await (await get(`${leader.url}/api/v1/environments/alpha/dags`, jar.header())).json()) as { dags: { dagId: string }[] }).dags[0]?.dagId,
      30_000,
      250,
    );
    for (const s of servers) {
      const runs = await get(`${s.url}/api/v1/environments/alpha/dags/${dagId}/runs?limit=5`, jar.header());
      expect(runs.status, s.url).toBe(200);
      expect(((await runs.json()) as { runs: unknown[] }).runs.length, s.url).toBeGreaterThan(0);
      expect((await get(`${s.url}/environments/alpha/dags/${dagId}`, jar.header())).status, s.url).toBe(200);
    }
  }, 120_000);

  it("removing a display token or a person's domain from the file is refused by every replica on the next request", async () => {
    const jar = await signIn(lb.url, "ann");
    const made = new Jar();
    made.take(await fetch(`${servers[1].url}/wall?token=${encodeURIComponent(secrets.revocable)}`, { redirect: "manual" }));
    const lobby = new Jar();
    lobby.take(await fetch(`${servers[2].url}/wall?token=${encodeURIComponent(secrets.lobby)}`, { redirect: "manual" }));
    expect([made, lobby].every((j) => j.cookies.has("flightboard-display"))).toBe(true);
    for (const s of servers) expect((await get(`${s.url}/api/v1/fleet`, made.header())).status).toBe(200);

    editConfig((c) => (c.auth.displayTokens = c.auth.displayTokens.filter((t) => t.name !== "revocable")));
    for (const s of servers) {
      expect((await get(`${s.url}/wall`, made.header())).status, s.url).toBe(307);
      expect((await get(`${s.url}/api/v1/fleet`, made.header())).status, s.url).toBe(401);
      expect((await fetch(`${s.url}/api/v1/fleet`, { headers: { authorization: `Bearer ${secrets.revocable}` } })).status, s.url).toBe(401);
      // The other token and the person are untouched.
      expect((await get(`${s.url}/api/v1/fleet`, lobby.header())).status, s.url).toBe(200);
      expect((await get(`${s.url}/api/v1/fleet`, jar.header())).status, s.url).toBe(200);
    }

    editConfig((c) => (c.auth.viewers.emailDomains = ["elsewhere.test"]));
    for (const s of servers) {
      expect((await get(`${s.url}/api/v1/fleet`, jar.header())).status, s.url).toBe(403);
      expect((await get(`${s.url}/api/v1/fleet`, lobby.header())).status, s.url).toBe(200);
    }
  }, 120_000);
});
