import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as runsGET } from "@/app/api/v1/environments/[id]/dags/[dagId]/runs/route";
import { validateConfig } from "@/lib/config/load";
import { createConnectorForEnvironment } from "@/lib/monitor/connectors";
import { FleetMonitor } from "@/lib/monitor/monitor";
import { startSimulator, type Simulator } from "@/sim/index";
import type { FleetRuntime } from "./fleet";

/**
 * The attack of issue 18, item 2, on real time against the simulator: an environment that answers
 * every call in 1.5 s, and 80 distinct `runs?limit=` requests from clients that give up after 3 s.
 * Health polling must go on every 5 s as if nobody asked; the reads beyond the environment's small
 * queue get a 429 with Retry-After at once; abandoned reads never reach the environment.
 */

const ENV = "slow-env";
const DAG_RUNS = "GET /api/v1/dags/{dag_id}/dagRuns";
let sim: Simulator;
let monitor: FleetMonitor;

beforeAll(async () => {
  sim = await startSimulator({ slowMs: 1500, environments: [{ id: ENV, airflowVersion: "2.10.5", scenario: "slow", auth: "none", dagCount: 40 }] });
  const raw = structuredClone(sim.config);
  raw.refresh = { health: 5, runs: 60, dags: 300 };
  raw.timeoutSeconds = 10;
  const config = validateConfig(raw, "test", sim.processEnv);
  monitor = new FleetMonitor({ config, createConnector: createConnectorForEnvironment });
  monitor.start();
  const runtime: FleetRuntime = { monitor, config: monitor.config, demo: false, close: async () => monitor.stop() };
  (globalThis as { __flightboard?: Promise<FleetRuntime> }).__flightboard = Promise.resolve(runtime);
  const env = () => monitor.environment(ENV)!;
  for (let i = 0; i < 300 && (!env().dags || env().checkedAt === null); i++) await new Promise((r) => setTimeout(r, 100));
  expect(env().dags?.size).toBe(40);
}, 60_000);

afterAll(async () => {
  monitor?.stop();
  await sim?.close();
  delete (globalThis as { __flightboard?: unknown }).__flightboard;
});

describe("a flood of distinct runs?limit= requests", () => {
  it("never stops the environment's health polling; the overflow gets 429 + Retry-After; abandoned reads are cancelled", async () => {
    const env = () => monitor.environment(ENV)!;
    const dags = [...env().dags!.keys()];
    const upstreamBefore = sim.stats().byRoute[DAG_RUNS] ?? 0;
    const floodAt = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 80 }, async (_, i) => {
        const url = `http://localhost/api/v1/environments/${ENV}/dags/${dags[i % dags.length]}/runs?limit=${1 + i}`;
        const res = await runsGET(new Request(url, { signal: AbortSignal.timeout(3000) }), { params: Promise.resolve({ id: ENV, dagId: dags[i % dags.length] }) });
        return { status: res.status, retryAfter: res.headers.get("retry-after"), body: (await res.json()) as { error?: { code: string } } };
      }),
    );
    const by = (s: number) => answers.filter((a) => a.status === s);
    // 10 DAGs fit the queue (2 running + 8 waiting), later requests for them join; 30 other DAGs twice over are refused.
    expect(by(429)).toHaveLength(60);
    for (const a of by(429)) {
      expect(a.body.error?.code).toBe("throttled");
      expect(Number(a.retryAfter)).toBeGreaterThan(0);
    }
    expect(by(200).length + by(499).length).toBe(20);
    expect(by(200).length).toBeGreaterThan(0);

    // Keep watching: health polls every 5 s (1.5 s each) whatever the readers did.
    await new Promise((r) => setTimeout(r, 11_000));
    const checkedAt = Date.parse(env().summary.checkedAt!);
    expect(checkedAt).toBeGreaterThan(floodAt + 3_000);
    expect(env().summary).toMatchObject({ status: "healthy", stale: false });
    // At most the 10 queued reads ever went upstream; those whose clients left while waiting did not.
    const upstream = (sim.stats().byRoute[DAG_RUNS] ?? 0) - upstreamBefore;
    expect(upstream).toBeGreaterThan(0);
    expect(upstream).toBeLessThan(10);
  }, 60_000);
});
