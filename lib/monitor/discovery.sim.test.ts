import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateConfig } from "@/lib/config/load";
import { startSimulator, type Simulator } from "@/sim/index";
import { COMPOSER_DEMO_ENVIRONMENTS } from "@/sim/composer/demo";
import { MWAA_DEMO_ENVIRONMENTS } from "@/sim/mwaa/demo";
import { FakeClock } from "./clock";
import { discoveredId } from "@/lib/airflow/registry";
import { createConnectorForEnvironment, createDiscoverers } from "./connectors";
import { FleetMonitor } from "./monitor";

/** Contract §2 discovery through the monitor: ids, tags, and explicit entries winning. */

let sim: Simulator;
let monitor: FleetMonitor;

beforeAll(async () => {
  const mwaa = MWAA_DEMO_ENVIRONMENTS.filter((s) => s.id === "logistics-prod" || s.id === "logistics-staging");
  const composer = COMPOSER_DEMO_ENVIRONMENTS.filter((s) => s.id === "composer-marketing-prod");
  sim = await startSimulator({ environments: [...mwaa, ...composer] });
  for (const [k, v] of Object.entries(sim.processEnv)) process.env[k] = v;
  const raw = structuredClone(sim.config);
  // Keep one MWAA environment explicit; discovery must not duplicate it.
  raw.environments = raw.environments.filter((e) => e.id === "logistics-prod");
  raw.discovery = { mwaa: [{ ...(sim.config.discovery!.mwaa as object[])[0], tags: { stage: "prod" } }], composer: sim.config.discovery!.composer };
  const config = validateConfig(raw, "test", process.env);
  const clock = new FakeClock(Date.now());
  monitor = new FleetMonitor({ config, clock, createConnector: createConnectorForEnvironment, discoverers: createDiscoverers(config) });
  monitor.start();
  // Discovery runs in the background of start(): wait for it, then for the first polls of what it found.
  for (let i = 0; i < 150 && monitor.environments().length < 3; i++) await new Promise((r) => setTimeout(r, 100));
  await clock.advance(0);
  await monitor.settle();
}, 60_000);

afterAll(async () => {
  monitor?.stop();
  await sim?.close();
});

describe("discovery", () => {
  it("derives ids from region/project/location/name, lower-cased, invalid characters replaced", () => {
    expect(discoveredId(["mwaa", "eu-west-1", "Sales_Prod"])).toBe("mwaa-eu-west-1-sales-prod");
    expect(discoveredId(["composer", "my-project", "us-central1", "marketing-prod"])).toBe("composer-my-project-us-central1-marketing-prod");
    expect(discoveredId(["composer", "p", "l", "x".repeat(80)])).toHaveLength(63);
  });

  it("adds found environments with the discovered tag and the block's tags; explicit entries win", () => {
    const ids = monitor.environments().map((env) => env.id).sort();
    expect(ids).toEqual(["composer-acme-marketing-us-central1-marketing-prod", "logistics-prod", "mwaa-eu-west-1-logistics-staging"]);
    const staging = monitor.environment("mwaa-eu-west-1-logistics-staging")!;
    expect(staging.config.tags).toEqual({ stage: "prod", discovered: "mwaa" });
    expect(staging.summary).toMatchObject({ kind: "mwaa", platform: { state: "UPDATING" }, status: "degraded" });
    const composer = monitor.environment("composer-acme-marketing-us-central1-marketing-prod")!;
    expect(composer.config.tags).toEqual({ discovered: "composer" });
    expect(composer.summary).toMatchObject({ kind: "composer", platform: { state: "RUNNING" } });
  });
});
