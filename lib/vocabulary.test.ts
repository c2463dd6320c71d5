import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, expectTypeOf, it } from "vitest";
import type { SimEnvironmentSpec } from "@/sim/types";
import { readFleetFilter, writeFleetFilter } from "./fleet-filter";
import { availability, DAG_RUNS_LIMIT, emptyStatusCounts, ENVIRONMENT_KINDS, ENVIRONMENT_STATUSES, type EnvironmentKind, INCIDENTS_LIMIT, isProblemStatus, PROBLEM_STATUSES, severityRank } from "./vocabulary";

/**
 * The vocabulary pinned against the words of the public contract (../shared/docs/contract.md), so
 * reordering or renaming a status or a kind here fails a test instead of silently changing the API.
 */

const CONTRACT = fileURLToPath(new URL("../../shared/docs/contract.md", import.meta.url));
const haveContract = existsSync(CONTRACT);
if (!haveContract) console.warn(`contract pin skipped: ${CONTRACT} (the shared contract) is absent`);

function words(list: string): string[] {
  return [...list.matchAll(/[`"]([a-z_]+)[`"]/g)].map((m) => m[1]);
}

describe.skipIf(!haveContract)(`vocabulary against the contract (${haveContract ? "found" : "skipped: ../shared/docs/contract.md is absent"})`, () => {
  const text = haveContract ? readFileSync(CONTRACT, "utf8").replace(/\s+/g, " ") : "";

  it("lists the statuses in the severity order of contract §4", () => {
    const m = /ordered by status severity \(([^)]*)\)/.exec(text);
    expect(m, "the contract's sentence on the fleet order").not.toBeNull();
    expect(ENVIRONMENT_STATUSES).toEqual(words(m![1]));
  });

  it("counts exactly the statuses of the /fleet example, and the kinds of EnvironmentSummary", () => {
    const counts = /"counts": \{([^}]*)\}/.exec(text);
    expect(Object.keys(emptyStatusCounts())).toEqual(words(counts![1]));
    expect([...ENVIRONMENT_STATUSES].sort()).toEqual(words(counts![1]).sort());
    const kinds = /"kind": "airflow", \/\/ ([^\n]*?) "tags"/.exec(text);
    expect(ENVIRONMENT_KINDS).toEqual(words(kinds![1]));
  });

  it("pages DAG runs and incidents with the contract's default and largest limit", () => {
    const runs = /`\?limit=` default (\d+), max (\d+)/.exec(text);
    expect(DAG_RUNS_LIMIT).toEqual({ default: Number(runs![1]), max: Number(runs![2]) });
    const incidents = /`GET \/api\/v1\/incidents\?[^`]*` .*? default limit (\d+) \(max (\d+)\)/.exec(text);
    expect(INCIDENTS_LIMIT).toEqual({ default: Number(incidents![1]), max: Number(incidents![2]) });
  });

  it("names as problems (incidents, alert rules) every status but healthy and unknown (§7)", () => {
    expect(text).toContain("a period in which an environment's status is not `healthy` and not `unknown`");
    expect(ENVIRONMENT_STATUSES.filter((s) => s !== "healthy" && s !== "unknown")).toEqual([...PROBLEM_STATUSES]);
  });
});

describe("vocabulary", () => {
  it("ranks by severity, worst first; other words rank -1", () => {
    expect(ENVIRONMENT_STATUSES.map(severityRank)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(severityRank("Healthy")).toBe(-1);
    expect(isProblemStatus("unknown")).toBe(false);
    expect(isProblemStatus("unauthorized")).toBe(true);
  });

  it("classes availability as up, down or no data (§7, §9)", () => {
    expect(ENVIRONMENT_STATUSES.map(availability)).toEqual(["down", "down", "nodata", "up", "nodata", "up"]);
  });

  it("has the simulator's environment kinds (sim/ speaks wire protocols only, so it spells them out)", () => {
    // Checked by tsc: the two unions must stay equal.
    expectTypeOf<NonNullable<SimEnvironmentSpec["kind"]>>().toEqualTypeOf<EnvironmentKind>();
  });
});

describe("fleet filter", () => {
  it("reads tags (deduplicated) and statuses (any case, severity order) and says what it dropped", () => {
    const { filter, problems } = readFleetFilter(new URLSearchParams("tag=team:sales&tag=team:sales&tag=url:http://x&tag=:x&status=healthy,Unhealthy&status=bogus,,"));
    expect(filter).toEqual({ tags: [{ key: "team", value: "sales" }, { key: "url", value: "http://x" }], statuses: ["unhealthy", "healthy"] });
    expect(problems).toEqual([
      'tag must look like key:value, got ":x"',
      'status must be one of unhealthy, unreachable, unauthorized, degraded, unknown, healthy; got "bogus"',
    ]);
  });

  it("writes what it reads", () => {
    const { filter } = readFleetFilter(new URLSearchParams("status=degraded,unreachable&tag=stage:prod"));
    const out = new URLSearchParams("rotate=30");
    writeFleetFilter(filter, out);
    expect(out.toString()).toBe("rotate=30&tag=stage%3Aprod&status=unreachable%2Cdegraded");
    expect(readFleetFilter(out)).toEqual({ filter, problems: [] });
  });
});
