import { describe, expect, it } from "vitest";
import { BadRequest, intParam, isValidDagId, parseFleetFilter } from "./api";

/**
 * DAG ids from a request end up in upstream paths (`/dags/{dagId}/dagRuns`). `.` and `..` are made
 * of allowed characters, yet a URL resolver treats them as path segments: `/dags/../dagRuns` would
 * leave the DAG. Routes only check the loaded DAG list when there is one, so this check is the
 * guard while an environment's DAGs are not known yet.
 */
describe("isValidDagId", () => {
  it("refuses ids that are only dots, however many", () => {
    for (const id of [".", "..", "...", "....."]) expect(isValidDagId(id), id).toBe(false);
    // What a resolver would make of them: proof the rule matters.
    expect(new URL("http://x/api/v1/dags/../dagRuns").pathname).toBe("/api/v1/dagRuns");
  });

  it("accepts Airflow's character set, dots inside a name included", () => {
    for (const id of ["etl", "a.b", "a..b", ".hidden", "trailing.", "x_y-z.1", "x".repeat(250)]) expect(isValidDagId(id), id).toBe(true);
  });

  it("refuses anything else: empty, too long, separators, encodings, non-ASCII", () => {
    for (const id of ["", "x".repeat(251), "a/b", "a%2Fb", "%2e%2e", "a b", "dåg", "a\\b"]) expect(isValidDagId(id), id).toBe(false);
  });
});

describe("query parameters", () => {
  const q = (s: string) => new URLSearchParams(s);

  it("intParam: absent or empty gives the fallback, the range is inclusive, anything else is a 400 naming it", () => {
    expect(intParam(q(""), "limit", 1, 100, 25)).toBe(25);
    expect(intParam(q("limit="), "limit", 1, 100, 25)).toBe(25);
    expect(intParam(q("limit=1"), "limit", 1, 100, 25)).toBe(1);
    expect(intParam(q("limit=100"), "limit", 1, 100, 25)).toBe(100);
    for (const bad of ["0", "101", "-1", "1.5", "1e2", "abc", "99999999"]) {
      expect(() => intParam(q(`limit=${bad}`), "limit", 1, 100, 25), bad).toThrow(new BadRequest("limit must be an integer from 1 to 100"));
    }
  });

  it("parseFleetFilter: the first malformed part becomes the 400; status words in any case", () => {
    expect(parseFleetFilter(q("tag=team:sales&status=Degraded"))).toEqual({ tags: [{ key: "team", value: "sales" }], statuses: ["degraded"] });
    expect(() => parseFleetFilter(q("status=sad&tag=nocolon"))).toThrow(/^tag must look like key:value, got "nocolon"$/);
    expect(() => parseFleetFilter(q("status=sad"))).toThrow(/^status must be one of unhealthy, .*; got "sad"$/);
  });
});
