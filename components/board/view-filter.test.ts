import { describe, expect, it } from "vitest";
import type { EnvironmentSummary } from "@/lib/monitor/dto";
import { parseWallOptions } from "../wall/wall-options";
import { applyViewFilter, collectTags, viewFilterSearch, parseViewFilter } from "./view-filter";

function env(id: string, status: EnvironmentSummary["status"], tags: Record<string, string>): EnvironmentSummary {
  return { id, name: id.toUpperCase(), kind: "airflow", tags, status, airflowVersion: "2.10.5" } as EnvironmentSummary;
}

const FLEET = [
  env("sales-prod", "unhealthy", { team: "sales", stage: "prod" }),
  env("sales-dev", "degraded", { team: "sales", stage: "dev" }),
  env("finance-prod", "healthy", { team: "finance", stage: "prod" }),
  env("finance-dev", "unknown", { team: "finance", stage: "dev" }),
];

describe("view filter", () => {
  it("round-trips through the query string and keeps parameters it does not own", () => {
    const f = parseViewFilter(new URLSearchParams("tag=team:sales&tag=stage:prod&status=degraded,unhealthy,bogus&q=pro&rotate=30"));
    expect(f).toEqual({
      tags: [{ key: "team", value: "sales" }, { key: "stage", value: "prod" }],
      statuses: ["unhealthy", "degraded"],
      text: "pro",
      problemsOnly: false,
    });
    const qs = viewFilterSearch(f, new URLSearchParams("rotate=30&q=old&status=healthy"));
    expect(qs).toBe("rotate=30&tag=team%3Asales&tag=stage%3Aprod&status=unhealthy%2Cdegraded&q=pro");
    expect(parseViewFilter(new URLSearchParams(qs))).toEqual(f);
  });

  it("ignores malformed tags and tolerates values with colons", () => {
    const f = parseViewFilter(new URLSearchParams("tag=nocolon&tag=:x&tag=url:http://x"));
    expect(f.tags).toEqual([{ key: "url", value: "http://x" }]);
  });

  it("filters by tags (AND), text and status, counting statuses over everything but the status filter", () => {
    const r = applyViewFilter(FLEET, parseViewFilter(new URLSearchParams("tag=team:sales&status=degraded")));
    expect(r.shown.map((e) => e.id)).toEqual(["sales-dev"]);
    expect(r.scopeSize).toBe(2);
    expect(r.counts).toMatchObject({ unhealthy: 1, degraded: 1, healthy: 0 });
    expect(applyViewFilter(FLEET, parseViewFilter(new URLSearchParams("q=PROD"))).shown.map((e) => e.id)).toEqual(["sales-prod", "finance-prod"]);
    expect(applyViewFilter(FLEET, parseViewFilter(new URLSearchParams("q=stage:dev"))).shown).toHaveLength(2);
  });

  it("problemsOnly keeps every status but healthy and unknown", () => {
    const r = applyViewFilter(FLEET, parseViewFilter(new URLSearchParams("problemsOnly=1")));
    expect(r.shown.map((e) => e.id)).toEqual(["sales-prod", "sales-dev"]);
    expect(parseViewFilter(new URLSearchParams("problemsOnly=false")).problemsOnly).toBe(false);
  });

  it("collects tag keys and values with counts, sorted", () => {
    expect(collectTags(FLEET)).toEqual([
      { key: "stage", values: [{ value: "dev", count: 2 }, { value: "prod", count: 2 }] },
      { key: "team", values: [{ value: "finance", count: 2 }, { value: "sales", count: 2 }] },
    ]);
  });

  it("sorts tags case-insensitively, the same in every locale", () => {
    const mixed = [env("a", "healthy", { Zone: "eu", owner: "Bob" }), env("b", "healthy", { owner: "alice" }), env("c", "healthy", { owner: "bob" })];
    expect(collectTags(mixed)).toEqual([
      { key: "owner", values: [{ value: "alice", count: 1 }, { value: "Bob", count: 1 }, { value: "bob", count: 1 }] },
      { key: "Zone", values: [{ value: "eu", count: 1 }] },
    ]);
  });
});

describe("wall options", () => {
  it("has defaults and clamps rotate and refresh", () => {
    expect(parseWallOptions(new URLSearchParams(""))).toMatchObject({ rotateS: 20, refreshS: 10 });
    expect(parseWallOptions(new URLSearchParams("rotate=1&refresh=0.1"))).toMatchObject({ rotateS: 3, refreshS: 1 });
    expect(parseWallOptions(new URLSearchParams("rotate=abc&refresh=99999"))).toMatchObject({ rotateS: 20, refreshS: 300 });
  });
});
