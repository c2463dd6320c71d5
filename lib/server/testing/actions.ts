import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { encode } from "next-auth/jwt";
import { loadConfigFile } from "@/lib/config/load";
import { FakeClock } from "@/lib/monitor/clock";
import { createConnectorForEnvironment } from "@/lib/monitor/connectors";
import { FleetMonitor } from "@/lib/monitor/monitor";
import { HistoryStore } from "@/lib/store/index";
import { startSimulator, type Simulator, type SimEnvironmentSpec } from "@/sim/index";
import type { FleetRuntime } from "../fleet";
import { actionsConfig } from "./actions-config";

/**
 * Shared wiring of the action tests: the simulator, a configuration file with auth enabled (people,
 * a display token, API tokens), the real monitor and connectors, and a real SQLite history file,
 * installed where the route handlers look for them. Upstream writes are counted in the simulator.
 */

export const SECRET = "actions-test-signing-secret-0123456789-abcdefghijk";
export const LOBBY = "lobby-display-token-0123456789-abcdefghijklmnopqrstuv";
export const DEPLOY = "deploy-bot-api-token-0123456789-abcdefghijklmnopq";
export const READER = "ci-reader-api-token-0123456789-abcdefghijklmnopqr";
export const ORIGIN = "http://localhost:3999";
const ENV = { FLIGHTBOARD_AUTH_SECRET: SECRET, FLIGHTBOARD_OIDC_CLIENT_SECRET: "actions-oidc-client-secret-000000000", LOBBY_TOKEN: LOBBY, DEPLOY_TOKEN: DEPLOY, READER_TOKEN: READER };

type Headers = Record<string, string>;
const slot = globalThis as { __flightboard?: Promise<FleetRuntime>; __flightboardHistory?: HistoryStore | null };

export interface ActionsFixture {
  sim: Simulator;
  monitor: FleetMonitor;
  store: HistoryStore;
  dir: string;
  operator: Headers;
  admin: Headers;
  viewer: Headers;
  /** Write calls the simulator received (trigger, clear, pause), JWT logins left out. */
  upstreamWrites(): number;
  /** An unpaused DAG of the environment, as the monitor last listed it (`last`: the last such). */
  activeDag(env: string, last?: boolean): string;
  /** Swaps in a new store on the same file (a restart). */
  reopenStore(): Promise<HistoryStore>;
  close(): Promise<void>;
}

export const params = <T,>(p: T) => ({ params: Promise.resolve(p) });

export function req(p: string, method: string, headers: Headers, body?: unknown): Request {
  return new Request(`http://localhost${p}`, { method, headers: { "content-type": "application/json", origin: ORIGIN, ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
}

export async function call(res: Promise<Response>): Promise<{ status: number; json: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const r = await res;
  return { status: r.status, json: JSON.parse(await r.text()) };
}

async function session(over: Record<string, unknown>): Promise<string> {
  const fb = { sub: "u", provider: "oidc", name: "N", email: null, emailVerified: true, groups: [], ...over };
  return `next-auth.session-token=${await encode({ token: { sub: "u", fb }, secret: SECRET, maxAge: 3600 })}`;
}

export const DEFAULT_ENVIRONMENTS: SimEnvironmentSpec[] = [
  { id: "ops-a2", tags: { team: "ops" }, airflowVersion: "2.10.5", scenario: "failing-dags", dagCount: 12 },
  { id: "ops-a3", tags: { team: "ops" }, airflowVersion: "3.1.0", scenario: "failing-dags", dagCount: 12 },
  { id: "ro-a2", tags: { team: "ro" }, airflowVersion: "2.10.5", scenario: "healthy", dagCount: 5, options: { role: "Viewer" } },
];

export async function startActionsFixture(environments: SimEnvironmentSpec[] = DEFAULT_ENVIRONMENTS): Promise<ActionsFixture> {
  const clock = new FakeClock(Date.now());
  const sim = await startSimulator({ clock, environments });
  const saved = new Map<string, string | undefined>();
  for (const [k, v] of Object.entries({ ...ENV, ...sim.processEnv, FLIGHTBOARD_CONFIG: "" })) {
    saved.set(k, process.env[k]);
    process.env[k] = v;
  }
  const dir = mkdtempSync(path.join(tmpdir(), "fb-actions-"));
  const file = path.join(dir, "flightboard.yaml");
  const raw = actionsConfig(sim.config, ORIGIN, {
    displayTokens: [{ name: "lobby", tokenEnv: "LOBBY_TOKEN" }],
    apiTokens: [
      { name: "deploy-bot", tokenEnv: "DEPLOY_TOKEN", role: "operator", tags: { team: "ops" } },
      { name: "ci-reader", tokenEnv: "READER_TOKEN", role: "viewer" },
    ],
  });
  writeFileSync(file, JSON.stringify(raw, null, 2));
  process.env.FLIGHTBOARD_CONFIG = file;
  const config = loadConfigFile(file);
  const dbPath = path.join(dir, "history.db");
  const monitor = new FleetMonitor({ config, clock, createConnector: createConnectorForEnvironment });
  const f: ActionsFixture = {
    sim,
    monitor,
    store: await HistoryStore.open({ target: { kind: "sqlite", path: dbPath } }),
    dir,
    operator: { cookie: await session({ email: "op@example.com", groups: ["oncall"] }) },
    admin: { cookie: await session({ email: "root@corp.test", groups: ["fb-admins"] }) },
    viewer: { cookie: await session({ email: "ann@example.com" }) },
    upstreamWrites: () => Object.entries(sim.stats().byRoute).filter(([k]) => /^(POST|PATCH) \/api\//.test(k)).reduce((a, [, n]) => a + n, 0),
    activeDag(env, last = false) {
      const active = [...monitor.environment(env)!.dags!.values()].filter((d) => !d.paused);
      return (last ? active.at(-1) : active[0])!.dagId;
    },
    async reopenStore() {
      await f.store.close();
      f.store = await HistoryStore.open({ target: { kind: "sqlite", path: dbPath } });
      slot.__flightboardHistory = f.store;
      return f.store;
    },
    async close() {
      monitor.stop();
      await f.store.close();
      await sim.close();
      delete slot.__flightboard;
      delete slot.__flightboardHistory;
      for (const [k, v] of saved) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  slot.__flightboardHistory = f.store;
  monitor.start();
  await clock.advance(0);
  await monitor.settle();
  slot.__flightboard = Promise.resolve({ monitor, config, demo: false, close: async () => monitor.stop() });
  return f;
}
