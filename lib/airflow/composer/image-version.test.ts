import { describe, expect, it } from "vitest";
import { parseImageVersion } from "./image-version";

describe("parseImageVersion", () => {
  it.each([
    ["composer-2.9.7-airflow-2.9.3", 2, "2.9.3", 2],
    ["composer-3-airflow-2.10.5-build.3", 3, "2.10.5", 2],
    ["composer-3-airflow-3.1.0-build.0", 3, "3.1.0", 3],
    ["composer-1.20.12-airflow-1.10.15", 1, "1.10.15", 1],
    ["composer-2.0.0-preview.3-airflow-2.1.4", 2, "2.1.4", 2],
    ["composer-latest-airflow-2.9", null, "2.9", 2],
    ["composer-2-airflow-2", 2, "2", 2],
  ])("%s", (v, generation, airflow, major) => {
    expect(parseImageVersion(v)).toEqual({ composerGeneration: generation, airflowVersion: airflow, airflowMajor: major });
  });

  it.each([undefined, null, "", "airflow-2.9.3", "composer-2.9.7"])("rejects %s", (v) => {
    expect(parseImageVersion(v)).toEqual({ composerGeneration: null, airflowVersion: null, airflowMajor: null });
  });
});
