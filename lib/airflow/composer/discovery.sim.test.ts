import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type SimEnvironmentSpec, type Simulator } from "@/sim/index";
import { AirflowError } from "../errors";
import { discoverComposer } from "./discovery";
import { createGoogleHostRewriter, GoogleTokenSources } from "./google-auth";

/** `environments.list` paging per project × location, through the real google-auth-library (key file). */

const specs: SimEnvironmentSpec[] = [
  ...["a1", "a2", "a3", "a4", "a5"].map((id): SimEnvironmentSpec => ({ id, kind: "composer", airflowVersion: "2.9.3", scenario: "healthy", options: { project: "proj-a", location: "us-central1", credentials: "key-file" } })),
  { id: "eu", kind: "composer", airflowVersion: "3.1.0", scenario: "healthy", options: { project: "proj-a", location: "europe-west1", environment: "eu-env", discoverOnly: true } },
  { id: "b1", kind: "composer", airflowVersion: "2.9.3", scenario: "healthy", options: { project: "proj-b", location: "us-central1" } },
];

let sim: Simulator;
let apiEndpoint: string;
let keyFile: string;
let transporter: ReturnType<typeof createGoogleHostRewriter>;
const tokenSources = new GoogleTokenSources();

beforeAll(async () => {
  sim = await startSimulator({ environments: specs });
  const c = sim.config.environments[0].composer as { apiEndpoint: string; credentialsFile: string };
  apiEndpoint = c.apiEndpoint;
  keyFile = c.credentialsFile;
  transporter = createGoogleHostRewriter({ "oauth2.googleapis.com": apiEndpoint });
});

afterAll(async () => {
  await sim?.close();
});

const signal = () => AbortSignal.timeout(10_000);

describe("discoverComposer", () => {
  it("lists every page of every location of the project", async () => {
    sim.resetStats();
    const found = await discoverComposer(
      { project: "proj-a", locations: ["us-central1", "europe-west1", "asia-east1"], apiEndpoint, credentialsFile: keyFile, authClientOptions: { transporter }, tokenSources, pageSize: 2 },
      signal(),
    );
    expect(found).toEqual([
      ...["a1", "a2", "a3", "a4", "a5"].map((environment) => ({ project: "proj-a", location: "us-central1", environment })),
      { project: "proj-a", location: "europe-west1", environment: "eu-env" },
    ]);
    // 3 pages for us-central1 (2+2+1), 1 for europe-west1, 1 (empty) for asia-east1.
    expect(sim.stats().byRoute["GET /v1/projects/*/locations/*/environments"]).toBe(5);
  });

  it("matches the simulator's discovery block", async () => {
    const blocks = (sim.config.discovery as { composer: Array<{ project: string; locations: string[]; apiEndpoint: string }> }).composer;
    const all = [];
    for (const b of blocks) all.push(...(await discoverComposer({ ...b, credentialsFile: keyFile, authClientOptions: { transporter }, tokenSources }, signal())));
    expect(all.map((e) => e.environment).sort()).toEqual(["a1", "a2", "a3", "a4", "a5", "b1", "eu-env"]);
  });

  it("reports a credential problem as an auth error", async () => {
    const e = await discoverComposer({ project: "proj-a", locations: ["us-central1"], apiEndpoint, credentialsFile: "/nonexistent/key.json", tokenSources }, signal()).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AirflowError);
    expect((e as AirflowError).kind).toBe("auth");
    expect((e as AirflowError).message).toContain("/nonexistent/key.json");
  });
});
