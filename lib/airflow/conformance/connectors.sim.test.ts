import { afterAll, afterEach, beforeAll, vi } from "vitest";
import { validateConfig } from "@/lib/config/load";
import type { FlightboardConfig } from "@/lib/config/types";
import { createConnectorForEnvironment } from "@/lib/monitor/connectors";
import { startSimulator, type Simulator } from "@/sim/index";
import { assertSimCaTrusted } from "../mwaa/testing/sim-ca";
import { DEFAULT_MAX_BYTES } from "../transport";
import type { Connector } from "../types";
import { describeConformance, specsFor, type ConformanceWorld } from "./suite";
import { TARGETS } from "./targets";

/**
 * The conformance suite against every connector kind and access mode on Airflow 2 and 3: one
 * simulator for all of them, its configuration through the real loader, each connector built by
 * the monitor's own config-to-connector mapping. The simulator reads Date, which the renewal
 * cases fake (running) to age credentials.
 */

let sim: Simulator;
let raw: Record<string, unknown> & { environments: Array<Record<string, unknown>> };
let config: FlightboardConfig;
const open: Connector[] = [];
let ahead = 0;

function build(cfg: FlightboardConfig, id: string, timeoutMs: number): Connector {
  const env = cfg.environments.find((e) => e.id === id);
  if (!env) throw new Error(`no configured environment ${id}`);
  const c = createConnectorForEnvironment(env, { timeoutMs, maxBytes: DEFAULT_MAX_BYTES }, cfg.refresh);
  open.push(c);
  return c;
}

const world: ConformanceWorld = {
  sim: () => sim,
  connector(id, opts = {}) {
    const timeoutMs = opts.timeoutMs ?? 10_000;
    if (!opts.edit) return build(config, id, timeoutMs);
    const entry = structuredClone(raw.environments.find((e) => e.id === id)!);
    opts.edit(entry);
    return build(validateConfig({ ...raw, environments: [entry] }, "conformance", sim.processEnv), id, timeoutMs);
  },
  async aged(ms, fn) {
    // Each window starts where the last one ended and goes further: a credential renewed in an
    // earlier window (Google tokens are shared by every Composer environment) has expired too.
    ahead += ms;
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + ahead, shouldAdvanceTime: true });
    try {
      return await fn();
    } finally {
      vi.useRealTimers();
    }
  },
  secrets: () => Object.entries(sim.processEnv).filter(([k]) => /PASSWORD|TOKEN|SECRET/.test(k)).map(([, v]) => v),
};

beforeAll(async () => {
  assertSimCaTrusted();
  sim = await startSimulator({ environments: TARGETS.flatMap(specsFor), slowMs: 100, clock: { now: () => Date.now() } });
  for (const [k, v] of Object.entries(sim.processEnv)) vi.stubEnv(k, v);
  raw = structuredClone(sim.config) as typeof raw;
  // The run sweep of `access: cli` spreads over the runs cycle: the shortest one allowed.
  raw.refresh = { health: 5, runs: 10, dags: 30 };
  config = validateConfig(raw, "conformance", sim.processEnv);
}, 60_000);

// Connectors of a finished test stop their timers (the CLI's run sweep), so route counts are this test's.
afterEach(() => {
  for (const c of open.splice(0)) c.close?.();
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await sim?.close();
});

for (const target of TARGETS) describeConformance(target, world);
