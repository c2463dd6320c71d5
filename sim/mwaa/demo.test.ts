import { describe, expect, it } from "vitest";
import { demoFleet } from "../demo-fleet";
import { envOptions, isMwaaScenario } from "./model";
import { MWAA_DEMO_ENVIRONMENTS } from "./demo";

describe("MWAA_DEMO_ENVIRONMENTS", () => {
  it("covers Airflow 2 and 3, all three access modes, an update in progress, and does not clash with the demo fleet", () => {
    const opts = MWAA_DEMO_ENVIRONMENTS.map(envOptions);
    expect(MWAA_DEMO_ENVIRONMENTS.every((s) => s.kind === "mwaa")).toBe(true);
    expect(new Set(MWAA_DEMO_ENVIRONMENTS.map((s) => s.airflowVersion[0]))).toEqual(new Set(["2", "3"]));
    expect(new Set(opts.map((o) => o.access))).toEqual(new Set(["web-login", "rest-api", "cli"]));
    expect(MWAA_DEMO_ENVIRONMENTS.some((s) => s.scenario === "updating" && isMwaaScenario(s.scenario))).toBe(true);
    const ids = new Set(demoFleet().map((s) => s.id));
    for (const s of MWAA_DEMO_ENVIRONMENTS) expect(ids.has(s.id)).toBe(false);
  });
});
