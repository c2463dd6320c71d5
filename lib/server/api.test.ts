import { describe, expect, it } from "vitest";
import { isValidDagId } from "./api";

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
