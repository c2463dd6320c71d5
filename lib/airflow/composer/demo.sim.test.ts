import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { COMPOSER_DEMO_ENVIRONMENTS } from "@/sim/composer/demo";
import { startSimulator, type Simulator } from "@/sim/index";
import { createComposerConnector, type ComposerConnectorSettings } from "./connector";
import { GoogleTokenSources } from "./google-auth";

/** The demo's Composer environments answer through ADC on the simulated metadata server, as the demo wires them. */

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ environments: COMPOSER_DEMO_ENVIRONMENTS });
  for (const [k, v] of Object.entries(sim.processEnv)) vi.stubEnv(k, v);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await sim?.close();
});

it("covers Composer 1 (IAP), 2 and 3 and each one answers", async () => {
  const tokenSources = new GoogleTokenSources();
  const seen: string[] = [];
  for (const entry of sim.config.environments) {
    const target = entry.composer as Omit<ComposerConnectorSettings, "limits">;
    expect(target.credentialsFile).toBeUndefined();
    const c = createComposerConnector({ ...target, limits: { timeoutMs: 5000, maxBytes: 16 << 20 }, tokenSources });
    const signal = AbortSignal.timeout(10_000);
    const p = (await c.getPlatform(signal))!;
    expect(p.state).toBe("RUNNING");
    expect((await c.getHealth(signal)).metadatabase).toBe("healthy");
    expect((await c.listDags({ offset: 0, limit: 100 }, signal)).total).toBeGreaterThan(0);
    seen.push(`${entry.id}: ${p.detail} → ${c.apiVersion()}`);
  }
  expect(seen).toEqual([
    "composer-marketing-prod: Composer 2, composer-2.9.7-airflow-2.9.3 → v1",
    "composer-ml-platform: Composer 3, composer-3-airflow-3.1.0-build.3 → v2",
    "composer-legacy-reports: Composer 1, composer-1.20.12-airflow-2.4.3, behind IAP → v1",
  ]);
});
