import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { airflowConfigEntry } from "./config";
import type { PlaneContext, PlaneFactory, ScenarioName, SimConfig, SimEnvironmentSpec, SimPlane, SimStats, Simulator, StartOptions, VirtualAirflow } from "./types";
import { createVirtualAirflowImpl, type VirtualAirflowDeps, type VirtualAirflowImpl } from "./virtual-airflow";

/**
 * Starts one loopback HTTP listener per Airflow environment and hands MWAA / Composer specs to
 * their planes, loaded only when such specs exist.
 */

type PlaneKind = "mwaa" | "composer";

/**
 * Literal specifiers so bundlers (Next, for demo mode) can follow them; a plane's module (and the
 * cloud SDK code it pulls in) loads only when an environment of its kind is asked for.
 */
const PLANES: Record<PlaneKind, () => Promise<PlaneFactory>> = {
  mwaa: async () => (await import("./mwaa/plane")).startMwaaPlane,
  composer: async () => (await import("./composer/plane")).startComposerPlane,
};

interface Listener { server: Server; sockets: Set<Socket> }

function listen(host: string, handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Listener & { port: number }> {
  const server = createServer(handler);
  const sockets = new Set<Socket>();
  server.on("connection", (s) => { sockets.add(s); s.on("close", () => sockets.delete(s)); });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => {
      const addr = server.address();
      resolve({ server, sockets, port: typeof addr === "object" && addr ? addr.port : 0 });
    });
  });
}

function closeListener(l: Listener): Promise<void> {
  return new Promise((resolve) => {
    l.server.close(() => resolve());
    for (const s of l.sockets) s.destroy();
    l.server.closeAllConnections?.();
  });
}

function checkSpecs(specs: SimEnvironmentSpec[]): void {
  const seen = new Set<string>();
  for (const s of specs) {
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(s.id)) throw new Error(`Simulator: environment id "${s.id}" must match ^[a-z0-9][a-z0-9-]{0,62}$`);
    if (seen.has(s.id)) throw new Error(`Simulator: environment id "${s.id}" is used twice`);
    seen.add(s.id);
  }
}

/** Starts the simulator; see sim/index.ts. */
export async function startSimulator(opts: StartOptions): Promise<Simulator> {
  checkSpecs(opts.environments);
  const clock = opts.clock ?? { now: () => Date.now() };
  const seed = opts.seed ?? 42;
  const host = opts.host ?? "127.0.0.1";
  const slowMs = opts.slowMs ?? 1500;
  const flapPeriodS = opts.flapPeriodS ?? 60;

  let stats: SimStats = { total: 0, byEnvironment: {}, byRoute: {} };
  const count = (envId: string, key: string, request = true) => {
    if (request) {
      stats.total++;
      stats.byEnvironment[envId] = (stats.byEnvironment[envId] ?? 0) + 1;
    }
    stats.byRoute[key] = (stats.byRoute[key] ?? 0) + 1;
  };
  const deps: VirtualAirflowDeps = { seed, clock, slowMs, flapPeriodS, count };

  const listeners: Listener[] = [];
  const envs = new Map<string, { va: VirtualAirflowImpl; baseUrl: string }>();
  const planeVas = new Map<string, VirtualAirflow>();
  const planes: SimPlane[] = [];
  const urlHost = host.includes(":") ? `[${host}]` : host;

  const closeAll = async () => {
    for (const { va } of envs.values()) va.close();
    for (const va of planeVas.values()) va.close();
    await Promise.all([...listeners.map(closeListener), ...planes.map((p) => p.close())]);
  };

  try {
    for (const spec of opts.environments.filter((s) => (s.kind ?? "airflow") === "airflow")) {
      const va = createVirtualAirflowImpl(spec, deps);
      const l = await listen(host, (req, res) => va.handle(req, res));
      listeners.push(l);
      const prefix = spec.pathPrefix && spec.pathPrefix !== "/" ? `/${spec.pathPrefix.replace(/^\/+|\/+$/g, "")}` : "";
      envs.set(spec.id, { va, baseUrl: `http://${urlHost}:${l.port}${prefix}` });
    }
    const ctx: PlaneContext = {
      clock, seed, host, slowMs, flapPeriodS, count,
      createVirtualAirflow: (spec) => {
        const va = createVirtualAirflowImpl(spec, deps);
        planeVas.set(spec.id, va);
        return va;
      },
    };
    for (const kind of ["mwaa", "composer"] as const) {
      const specs = opts.environments.filter((s) => s.kind === kind);
      if (specs.length === 0) continue;
      const factory = await PLANES[kind]();
      planes.push(await factory(specs, ctx));
    }
  } catch (e) {
    await closeAll();
    throw e;
  }

  const entries = new Map<string, Record<string, unknown>>();
  const processEnv: Record<string, string> = {};
  for (const [id, { va, baseUrl }] of envs) {
    const { entry, env } = airflowConfigEntry(va, baseUrl);
    entries.set(id, entry);
    Object.assign(processEnv, env);
  }
  let discovery: Record<string, unknown> | undefined;
  const extraEntries: Array<Record<string, unknown>> = [];
  for (const p of planes) {
    for (const e of p.configEntries) {
      if (typeof e.id === "string" && !entries.has(e.id)) entries.set(e.id, e); else extraEntries.push(e);
    }
    Object.assign(processEnv, p.processEnv);
    if (p.discovery) {
      discovery ??= {};
      for (const [k, v] of Object.entries(p.discovery)) {
        const prev = discovery[k];
        discovery[k] = Array.isArray(prev) && Array.isArray(v) ? [...prev, ...v] : v;
      }
    }
  }
  const ordered = opts.environments.map((s) => entries.get(s.id)).filter((e): e is Record<string, unknown> => e !== undefined);
  const config: SimConfig = {
    refresh: { health: 10, runs: 10, dags: 60 },
    timeoutSeconds: 5,
    environments: [...ordered, ...extraEntries, ...[...entries.values()].filter((e) => !ordered.includes(e))],
    ...(discovery ? { discovery } : {}),
  };

  let closed: Promise<void> | null = null;
  return {
    config,
    processEnv,
    stats: () => structuredClone(stats),
    resetStats: () => { stats = { total: 0, byEnvironment: {}, byRoute: {} }; },
    setScenario(id: string, scenario: ScenarioName) {
      const env = envs.get(id);
      if (env) return env.va.setScenario(scenario);
      for (const p of planes) if (p.setScenario?.(id, scenario)) return;
      const va = planeVas.get(id);
      if (va) return va.setScenario(scenario);
      throw new Error(`Simulator: no environment "${id}"`);
    },
    url(id: string) {
      const env = envs.get(id);
      if (env) return env.baseUrl;
      for (const p of planes) {
        const u = p.url?.(id);
        if (u) return u;
      }
      throw new Error(`Simulator: no URL for environment "${id}"`);
    },
    close: () => (closed ??= closeAll()),
  };
}
