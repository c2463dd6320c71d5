import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateConfig } from "@/lib/config/load";
import type { Simulator } from "@/sim/index";
import { MWAA_DEMO_ENVIRONMENTS } from "@/sim/mwaa/demo";
import { connectorFor } from "../registry";
import { startMwaaSimulator, stopMwaaSimulator } from "./testing/mwaa-sim";

/**
 * The demo MWAA environments, monitored from the configuration entries and process environment the
 * simulator writes — as `npm start` in demo mode does: the real loader validates them (endpoint from
 * AWS_ENDPOINT_URL_MWAA, test credentials from the default chain, a role for the second account)
 * and the kind registry builds each connector.
 */

let sim: Simulator;

beforeAll(async () => {
  sim = await startMwaaSimulator({ environments: MWAA_DEMO_ENVIRONMENTS });
});
afterAll(() => stopMwaaSimulator(sim));

describe("demo MWAA environments", () => {
  it("have config entries per contract §2 and all answer through their connectors", async () => {
    expect(sim.config.discovery).toMatchObject({ mwaa: [{ regions: ["eu-west-1", "us-east-1"] }, { regions: ["us-east-1"], roleArn: expect.stringMatching(/^arn:aws:iam::210987654321:role\//) }] });
    const config = validateConfig(sim.config, "demo", sim.processEnv);
    for (const spec of MWAA_DEMO_ENVIRONMENTS) {
      const env = config.environments.find((e) => e.id === spec.id);
      expect(env?.target.kind, spec.id).toBe("mwaa");
      const conn = connectorFor(env!.target, { limits: { timeoutMs: 5000, maxBytes: 1 << 24 }, uiUrl: env!.uiUrl });
      const s = AbortSignal.timeout(15_000);
      const platform = await conn.getPlatform(s);
      expect(platform).toMatchObject({ state: spec.scenario === "updating" ? "UPDATING" : "AVAILABLE", airflowVersion: spec.airflowVersion, uiUrl: sim.url(spec.id) });
      expect((await conn.getHealth(s)).metadatabase).toBe("healthy");
      expect((await conn.listDags({ offset: 0, limit: 100 }, s)).total).toBe(spec.dagCount);
    }
  });
});
