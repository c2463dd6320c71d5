import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as dagsGET } from "@/app/api/v1/environments/[id]/dags/route";
import { GET as runsGET } from "@/app/api/v1/environments/[id]/dags/[dagId]/runs/route";
import { GET as envGET } from "@/app/api/v1/environments/[id]/route";
import { GET as eventsGET } from "@/app/api/v1/events/route";
import { GET as fleetGET } from "@/app/api/v1/fleet/route";
import { GET as meGET } from "@/app/api/v1/me/route";
import { GET as searchGET } from "@/app/api/v1/search/route";
import { GET as healthzGET } from "@/app/api/healthz/route";
import { loadConfigFile } from "@/lib/config/load";
import { FakeClock } from "@/lib/monitor/clock";
import { createConnectorForEnvironment } from "@/lib/monitor/connectors";
import type { DagListResponse, FleetResponse, SearchResponse } from "@/lib/monitor/dto";
import { FleetMonitor } from "@/lib/monitor/monitor";
import { startSimulator, type Simulator } from "@/sim/index";
import { installFleetRuntime, removeFleetRuntime } from "./testing/fleet-runtime";

/**
 * Access control of the JSON API (the sign-in issue), through the real route handlers, monitor,
 * connectors and simulator, with auth enabled from a configuration file as the README documents.
 * Sessions are real next-auth JWTs signed with the configured secret.
 */

const SECRET = "access-test-signing-secret-0123456789-abcdefghijk";
const CLIENT_SECRET = "access-test-oidc-client-secret-value-42";
const LOBBY = "lobby-display-token-0123456789-abcdefghijklmnopqrstuv";
const FINWALL = "finwall-display-token-0123456789-abcdefghijklmnopqrs";
const ENV = { FLIGHTBOARD_AUTH_SECRET: SECRET, FLIGHTBOARD_OIDC_CLIENT_SECRET: CLIENT_SECRET, LOBBY_TOKEN: LOBBY, FINWALL_TOKEN: FINWALL };

let sim: Simulator;
let monitor: FleetMonitor;
let file: string;
const saved = new Map<string, string | undefined>();
/** Every response body and header seen, for the secret scan. */
const seen: string[] = [];

const params = <T,>(p: T) => ({ params: Promise.resolve(p) });

async function call(handler: () => Promise<Response>): Promise<{ status: number; json: unknown; res: Response }> {
  const res = await handler();
  const text = await res.text();
  seen.push(text, JSON.stringify([...res.headers]));
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, json, res };
}

async function session(over: Record<string, unknown>): Promise<string> {
  const fb = { sub: "u", provider: "oidc", name: "N", email: null, emailVerified: true, groups: [], ...over };
  return `next-auth.session-token=${await encode({ token: { sub: "u", fb }, secret: SECRET, maxAge: 3600 })}`;
}

function req(p: string, headers: Record<string, string> = {}): Request {
  return new Request(`http://localhost${p}`, { headers });
}

function writeConfig(mutate: (c: Record<string, unknown>) => void = () => {}): void {
  const raw = structuredClone(sim.config) as unknown as { environments: Record<string, unknown>[] } & Record<string, unknown>;
  raw.refresh = { health: 30, runs: 60, dags: 300 };
  const byId = new Map(raw.environments.map((e) => [e.id as string, e]));
  byId.get("fin-prod")!.access = { groups: ["finance"] };
  byId.get("ops-prod")!.access = { groups: [] };
  raw.auth = {
    url: "http://localhost:3999",
    providers: { oidc: { issuer: "http://127.0.0.1:9", clientId: "flightboard" } },
    viewers: { emailDomains: ["example.com"] },
    admins: { groups: ["fb-admins"] },
    displayTokens: [
      { name: "lobby", tokenEnv: "LOBBY_TOKEN", tags: { stage: "prod" } },
      { name: "finwall", tokenEnv: "FINWALL_TOKEN", tags: { team: "finance" }, groups: ["finance"] },
    ],
  };
  mutate(raw);
  writeFileSync(file, JSON.stringify(raw, null, 2));
}

beforeAll(async () => {
  const clock = new FakeClock(Date.now());
  sim = await startSimulator({
    clock,
    environments: [
      { id: "sales-prod", tags: { team: "sales", stage: "prod" }, airflowVersion: "2.10.5", scenario: "failing-dags" },
      { id: "sales-dev", tags: { team: "sales", stage: "dev" }, airflowVersion: "3.1.0", scenario: "healthy" },
      { id: "fin-prod", tags: { team: "finance", stage: "prod" }, airflowVersion: "3.1.0", scenario: "import-errors" },
      { id: "ops-prod", tags: { team: "ops", stage: "prod" }, airflowVersion: "2.10.5", scenario: "healthy" },
    ],
  });
  for (const [k, v] of Object.entries({ ...ENV, ...sim.processEnv, FLIGHTBOARD_CONFIG: "" })) {
    saved.set(k, process.env[k]);
    process.env[k] = v;
  }
  file = path.join(mkdtempSync(path.join(tmpdir(), "fb-access-")), "flightboard.yaml");
  writeConfig();
  process.env.FLIGHTBOARD_CONFIG = file;
  const config = loadConfigFile(file);
  expect(config.auth?.mode).toBe("enabled");
  monitor = new FleetMonitor({ config, clock, createConnector: createConnectorForEnvironment });
  monitor.start();
  await clock.advance(0);
  await monitor.settle();
  installFleetRuntime(monitor, config);
}, 60_000);

afterAll(async () => {
  removeFleetRuntime();
  monitor?.stop();
  await sim?.close();
  for (const [k, v] of saved) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

/** Every read route, for one set of request headers. */
function everyRoute(headers: Record<string, string>) {
  return [
    () => fleetGET(req("/api/v1/fleet", headers)),
    () => envGET(req("/api/v1/environments/sales-prod", headers), params({ id: "sales-prod" })),
    () => dagsGET(req("/api/v1/environments/sales-prod/dags", headers), params({ id: "sales-prod" })),
    () => runsGET(req("/api/v1/environments/sales-prod/dags/x/runs", headers), params({ id: "sales-prod", dagId: "x" })),
    () => searchGET(req("/api/v1/search?q=a", headers)),
    () => eventsGET(req("/api/v1/events", headers)),
    () => meGET(req("/api/v1/me", headers)),
  ];
}

async function firstEvent(res: Response): Promise<FleetResponse> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  while (!text.includes("event: fleet\ndata: ") || !text.slice(text.indexOf("event: fleet")).includes("\n\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value);
  }
  await reader.cancel();
  seen.push(text);
  const data = text.slice(text.indexOf("event: fleet\ndata: ") + "event: fleet\ndata: ".length);
  return JSON.parse(data.slice(0, data.indexOf("\n\n"))) as FleetResponse;
}

const ids = (f: FleetResponse) => f.environments.map((e) => e.id).sort();

describe("API access with authentication enabled", () => {
  it("answers 401 with a contract error body without a session or token; healthz stays public", async () => {
    const attempts: Record<string, string>[] = [{}, { cookie: "next-auth.session-token=forged" }, { authorization: "Bearer not-a-token" }, { cookie: "flightboard-display=v1.lobby.1.AAAA" }];
    for (const headers of attempts) {
      for (const route of everyRoute(headers)) {
        const r = await call(route);
        expect(r.status).toBe(401);
        expect(r.json).toEqual({ error: { code: "unauthorized", message: expect.any(String) } });
      }
    }
    expect((await call(() => Promise.resolve(healthzGET()))).status).toBe(200);
  });

  it("answers 403 to a signed-in person no rule admits", async () => {
    const headers = { cookie: await session({ email: "eve@elsewhere.test" }) };
    for (const route of everyRoute(headers)) {
      const r = await call(route);
      expect(r.status).toBe(403);
      expect(r.json).toMatchObject({ error: { code: "forbidden" } });
    }
  });

  it("a viewer sees, searches and streams only the environments they may see", async () => {
    const headers = { cookie: await session({ email: "ann@example.com" }) };
    const fleet = (await call(() => fleetGET(req("/api/v1/fleet", headers)))).json as FleetResponse;
    expect(ids(fleet)).toEqual(["sales-dev", "sales-prod"]);
    expect(Object.values(fleet.counts).reduce((a, b) => a + b, 0)).toBe(2);
    expect(ids(await firstEvent(await eventsGET(req("/api/v1/events", headers))))).toEqual(["sales-dev", "sales-prod"]);

    for (const id of ["fin-prod", "ops-prod"]) {
      expect((await call(() => envGET(req(`/api/v1/environments/${id}`, headers), params({ id })))).status).toBe(404);
      expect((await call(() => dagsGET(req(`/api/v1/environments/${id}/dags`, headers), params({ id })))).status).toBe(404);
    }
    // A hidden environment answers exactly like one that does not exist.
    const hidden = await call(() => envGET(req("/api/v1/environments/fin-prod", headers), params({ id: "fin-prod" })));
    const missing = await call(() => envGET(req("/api/v1/environments/fin-prox", headers), params({ id: "fin-prox" })));
    expect(JSON.stringify(hidden.json).replace("fin-prod", "ID")).toBe(JSON.stringify(missing.json).replace("fin-prox", "ID"));

    const finDags = (await call(() => dagsGET(req("/api/v1/environments/fin-prod/dags", { cookie: "" }), params({ id: "fin-prod" })))).status;
    expect(finDags).toBe(401);
    const search = (await call(() => searchGET(req("/api/v1/search?q=_", headers)))).json as SearchResponse;
    expect(search.results.length).toBeGreaterThan(0);
    expect(new Set(search.results.map((r) => r.environmentId))).toEqual(new Set(["sales-dev", "sales-prod"]));
  });

  it("a hidden environment's DAG runs are never fetched upstream", async () => {
    const admin = { cookie: await session({ email: "root@corp.test", groups: ["fb-admins"] }) };
    const dag = ((await call(() => dagsGET(req("/api/v1/environments/fin-prod/dags", admin), params({ id: "fin-prod" })))).json as DagListResponse).dags[0].dagId;
    sim.resetStats();
    const viewer = { cookie: await session({ email: "ann@example.com" }) };
    const r = await call(() => runsGET(req(`/api/v1/environments/fin-prod/dags/${dag}/runs`, viewer), params({ id: "fin-prod", dagId: dag })));
    expect(r.status).toBe(404);
    expect(sim.stats().total).toBe(0);
    expect((await call(() => runsGET(req(`/api/v1/environments/fin-prod/dags/${dag}/runs`, admin), params({ id: "fin-prod", dagId: dag })))).status).toBe(200);
    expect(sim.stats().total).toBe(1);
  });

  it("groups open restricted environments; admins see everything, as the unrestricted snapshot", async () => {
    const fin = { cookie: await session({ email: "fay@example.com", groups: ["finance"] }) };
    expect(ids((await call(() => fleetGET(req("/api/v1/fleet", fin)))).json as FleetResponse)).toEqual(["fin-prod", "sales-dev", "sales-prod"]);
    expect((await call(() => envGET(req("/api/v1/environments/fin-prod", fin), params({ id: "fin-prod" })))).status).toBe(200);
    const admin = { cookie: await session({ email: "root@corp.test", groups: ["fb-admins"] }) };
    const all = (await call(() => fleetGET(req("/api/v1/fleet", admin)))).json as FleetResponse;
    expect(ids(all)).toEqual(["fin-prod", "ops-prod", "sales-dev", "sales-prod"]);
    expect((await call(() => meGET(req("/api/v1/me", admin)))).json).toMatchObject({ kind: "user", role: "admin", email: "root@corp.test" });
  });

  it("display tokens (Bearer or cookie) read only their tagged environments and say only their name", async () => {
    const lobby = (await call(() => fleetGET(req("/api/v1/fleet", { authorization: `Bearer ${LOBBY}` })))).json as FleetResponse;
    expect(ids(lobby)).toEqual(["sales-prod"]); // stage: prod, and not the restricted fin-prod / ops-prod
    const finwall = (await call(() => fleetGET(req("/api/v1/fleet", { authorization: `Bearer ${FINWALL}` })))).json as FleetResponse;
    expect(ids(finwall)).toEqual(["fin-prod"]);
    expect((await call(() => envGET(req("/api/v1/environments/sales-dev", { authorization: `Bearer ${LOBBY}` }), params({ id: "sales-dev" })))).status).toBe(404);
    expect((await call(() => meGET(req("/api/v1/me", { authorization: `Bearer ${LOBBY}` })))).json).toEqual({ kind: "display", name: "lobby", tags: { stage: "prod" } });
  });

  it("removing a display token from the file revokes it on the next request, open streams included", async () => {
    const { issueDisplayCookie } = await import("@/lib/auth/display-token");
    const { currentPolicy } = await import("@/lib/auth/policy-store");
    const auth = currentPolicy().auth;
    const c = issueDisplayCookie(auth, auth.displayTokens.find((t) => t.name === "lobby")!);
    const headers = { cookie: `${c.name}=${c.value}` };
    expect((await call(() => fleetGET(req("/api/v1/fleet", headers)))).status).toBe(200);
    const stream = await eventsGET(req("/api/v1/events", headers));
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    await reader.read();

    writeConfig((raw) => {
      (raw.auth as { displayTokens: unknown[] }).displayTokens.splice(0, 1);
    });
    expect((await call(() => fleetGET(req("/api/v1/fleet", headers)))).status).toBe(401);
    expect((await call(() => fleetGET(req("/api/v1/fleet", { authorization: `Bearer ${LOBBY}` })))).status).toBe(401);
    expect((await call(() => fleetGET(req("/api/v1/fleet", { authorization: `Bearer ${FINWALL}` })))).status).toBe(200);

    // The open stream notices within its re-check interval and ends.
    let rest = "";
    const decoder = new TextDecoder();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      rest += decoder.decode(value);
    }
    expect(rest).toContain("event: denied");
    writeConfig();
  }, 20_000);

  it("a reload that does not validate, or that turns auth off, is not applied", async () => {
    const headers = { authorization: `Bearer ${FINWALL}` };
    writeConfig((raw) => {
      (raw.auth as Record<string, unknown>).mode = "disabled";
    });
    expect((await call(() => fleetGET(req("/api/v1/fleet")))).status).toBe(401);
    writeFileSync(file, readFileSync(file, "utf8").replace('"providers"', '"providerz"'));
    expect((await call(() => fleetGET(req("/api/v1/fleet")))).status).toBe(401);
    expect((await call(() => fleetGET(req("/api/v1/fleet", headers)))).status).toBe(200);
    writeConfig();
  }, 10_000);

  it("no response carries a configured secret", () => {
    const secrets = [SECRET, CLIENT_SECRET, LOBBY, FINWALL, ...Object.values(sim.processEnv).filter((v) => v.length >= 8 && !/^https?:/.test(v))];
    const all = seen.join("\n");
    expect(all.length).toBeGreaterThan(10_000);
    for (const s of secrets) expect(all.includes(s), `a response contains the value of a secret (${s.length} chars)`).toBe(false);
  });
});
