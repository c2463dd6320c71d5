import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startSimulator, type SimEnvironmentSpec, type Simulator } from "@/sim/index";
import { AirflowError } from "../errors";
import { createRateLimiter } from "./rate-limit";
import { createRestApiTransport } from "./rest-api-transport";
import { discoverMwaa } from "./discovery";

/**
 * Discovery (ListEnvironments, paged, per region and per account through a role) and InvokeRestApi
 * throttling recovery, against the simulated control plane (plain HTTP: no TLS needed here).
 */

const OTHER = "210987654321";
const specs: SimEnvironmentSpec[] = [
  ...Array.from({ length: 31 }, (_, i): SimEnvironmentSpec => ({
    id: `use1-${String(i).padStart(2, "0")}`,
    kind: "mwaa",
    airflowVersion: "2.10.3",
    scenario: "healthy",
    dagCount: 2,
    options: { access: "rest-api" },
  })),
  { id: "euw1-a", kind: "mwaa", airflowVersion: "3.0.6", scenario: "healthy", dagCount: 2, options: { region: "eu-west-1" } },
  { id: "euw1-b", kind: "mwaa", airflowVersion: "3.0.6", scenario: "healthy", dagCount: 2, options: { region: "eu-west-1" } },
  { id: "other-a", kind: "mwaa", airflowVersion: "3.0.6", scenario: "healthy", dagCount: 2, options: { account: OTHER, region: "eu-west-1" } },
];

let sim: Simulator;
let endpoint: string;

beforeAll(async () => {
  sim = await startSimulator({ environments: specs });
  for (const [k, v] of Object.entries(sim.processEnv)) vi.stubEnv(k, v);
  endpoint = sim.processEnv.AWS_ENDPOINT_URL_MWAA!;
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await sim?.close();
});

const names = (list: Array<{ environmentName: string; region: string }>) => list.map((e) => `${e.region}/${e.environmentName}`).sort();

describe("discoverMwaa", () => {
  it("lists every environment of every region, across pages", async () => {
    sim.resetStats();
    const found = await discoverMwaa({ regions: ["us-east-1", "eu-west-1", "ap-south-1"], endpoint }, AbortSignal.timeout(10_000));
    expect(found).toHaveLength(33);
    expect(names(found)).toContain("eu-west-1/euw1-a");
    expect(names(found)).toContain("us-east-1/use1-30");
    expect(names(found)).not.toContain("eu-west-1/other-a");
    expect(sim.stats().byRoute["GET /environments"]).toBe(2 + 1 + 1); // us-east-1 needs two pages of 25
  });

  it("finds another account's environments through its role", async () => {
    const found = await discoverMwaa({ regions: ["eu-west-1"], endpoint, roleArn: `arn:aws:iam::${OTHER}:role/flightboard-read` }, AbortSignal.timeout(10_000));
    expect(found).toEqual([{ environmentName: "other-a", region: "eu-west-1" }]);
  });

  it("sees environments disappear when deleted and come back when created", async () => {
    sim.setScenario("euw1-b", "deleted");
    const without = await discoverMwaa({ regions: ["eu-west-1"], endpoint }, AbortSignal.timeout(10_000));
    expect(names(without)).toEqual(["eu-west-1/euw1-a"]);
    sim.setScenario("euw1-b", "healthy");
    const again = await discoverMwaa({ regions: ["eu-west-1"], endpoint }, AbortSignal.timeout(10_000));
    expect(names(again)).toEqual(["eu-west-1/euw1-a", "eu-west-1/euw1-b"]);
  });

  it("fails naming the region when the control plane cannot be reached", async () => {
    const e = await discoverMwaa({ regions: ["us-west-2"], endpoint: "http://127.0.0.1:1" }, AbortSignal.timeout(10_000)).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AirflowError);
    expect((e as AirflowError).kind).toBe("connection");
    expect((e as AirflowError).message).toMatch(/^MWAA discovery in us-west-2: connection refused by 127\.0\.0\.1:1/);
  });
});

describe("InvokeRestApi throttling", () => {
  it("backs off and succeeds when AWS throttles a burst, without surfacing it", async () => {
    sim.resetStats();
    // A deliberately too generous local limiter, so the simulated 10-TPS quota answers 429.
    const limiter = createRateLimiter({ perSecond: 1000, burst: 100 });
    const transports = specs.slice(0, 6).map((s) =>
      createRestApiTransport({
        target: { region: "us-east-1", endpoint },
        environmentName: s.id,
        limits: { timeoutMs: 5000, maxBytes: 1 << 20 },
        limiterKey: () => "unused",
        limiter,
        throttleRetries: 10,
        throttleBaseDelayMs: 100,
      }),
    );
    const results = await Promise.all(
      Array.from({ length: 16 }, (_, i) => transports[i % transports.length]!.send({ method: "GET", version: "v1", path: "/version" }, AbortSignal.timeout(20_000))),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(sim.stats().byRoute["MWAA ThrottlingException"]).toBeGreaterThan(0);
  });
});
