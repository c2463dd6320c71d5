import { describe, expect, it } from "vitest";
import { CliError, dagFromRow, importErrorFromRow, isoOf, parseJobCheck, parseJsonList, parseVersion, runFromRow } from "./output";

/** The Airflow CLI's printed output, as each MWAA Airflow 2 version prints it, read into the domain model. */

const LOG = "[2021-12-01 10:00:00,123] {dagbag.py:496} INFO - Filling up the DagBag from /usr/local/airflow/dags\n";
const out = (stdout: string, stderr = "") => ({ stdout, stderr });

describe("Airflow CLI output", () => {
  it("reads `version` among warnings", () => {
    expect(parseVersion("version", out("2.2.2\n"))).toBe("2.2.2");
    expect(parseVersion("version", out("/usr/lib/python3.7/site-packages/x.py:1 DeprecationWarning: y\n2.0.2\n"))).toBe("2.0.2");
    expect(() => parseVersion("version", out("", "boom"))).toThrow(CliError);
  });

  it("reads `jobs check` answers, and 2.0.2's refusal as unsupported", () => {
    expect(parseJobCheck("jobs check", out("Found one alive job.\n"))).toBe("alive");
    expect(parseJobCheck("jobs check", out("Found 2 alive jobs.\n"))).toBe("alive");
    expect(parseJobCheck("jobs check", out("", "No alive jobs found.\n"))).toBe("none");
    const refusal = out("", "usage: airflow [-h] GROUP_OR_COMMAND ...\n\nairflow command error: argument GROUP_OR_COMMAND: invalid choice: 'jobs' (choose from 'celery', 'dags'), see help above.\n");
    const e = (() => {
      try {
        parseJobCheck("jobs check --job-type SchedulerJob", refusal);
      } catch (x) {
        return x as CliError;
      }
    })()!;
    expect(e.reason).toBe("unsupported");
    expect(e.message).toBe("the Airflow CLI does not support `jobs check --job-type SchedulerJob`: airflow command error: argument GROUP_OR_COMMAND: invalid choice: 'jobs' (choose from 'celery', 'dags'), see help above.");
  });

  it("finds the JSON list after log lines; 'No data found' and [] are empty", () => {
    expect(parseJsonList("dags list -o json", out(`${LOG}[{"dag_id": "a"}]\n`))).toEqual([{ dag_id: "a" }]);
    expect(parseJsonList("x", out(`${LOG}[\n  {"dag_id": "b"}\n]\n`))).toEqual([{ dag_id: "b" }]);
    expect(parseJsonList("x", out("[]\n"))).toEqual([]);
    expect(parseJsonList("x", out("No data found\n"))).toEqual([]);
    expect(() => parseJsonList("x", out(LOG, "Traceback (most recent call last):\nsqlalchemy.exc.OperationalError: gone\n"))).toThrow(/failed `x`: sqlalchemy.exc.OperationalError: gone/);
  });

  it("reads `dags list` rows of 2.0.2 (raw values, no paused) and 2.1+ (strings)", () => {
    expect(dagFromRow({ dag_id: "etl", filepath: "etl.py", owner: "data, ops" })).toMatchObject({ dagId: "etl", paused: false, owners: ["data", "ops"], active: true });
    expect(dagFromRow({ dag_id: "etl", filepath: "etl.py", owner: "airflow", paused: "True" })).toMatchObject({ paused: true });
    expect(dagFromRow({ dag_id: "etl", paused: false })).toMatchObject({ paused: false });
    expect(dagFromRow({ dag_id: "None" })).toBeNull();
  });

  it("reads `dags list-runs` rows: isoformat dates with microseconds, empty end dates, run types", () => {
    const r = runFromRow({ dag_id: "etl", run_id: "scheduled__2021-12-01T00:00:00+00:00", state: "failed", execution_date: "2021-12-01T00:00:00+00:00", start_date: "2021-12-01T00:00:05.123456+00:00", end_date: "" });
    expect(r).toEqual({
      dagId: "etl", runId: "scheduled__2021-12-01T00:00:00+00:00", state: "failed", runType: "scheduled",
      logicalDate: "2021-12-01T00:00:00.000Z", startDate: "2021-12-01T00:00:05.123Z", endDate: null, updatedAt: "2021-12-01T00:00:05.123Z",
    });
    expect(runFromRow({ dag_id: "etl", run_id: "x", state: "up_for_retry" })).toBeNull();
    expect(isoOf("2021-12-01 10:00:00+00:00")).toBe("2021-12-01T10:00:00.000Z");
    expect(isoOf("None")).toBeNull();
  });

  it("reads `dags list-import-errors` rows", () => {
    expect(importErrorFromRow({ filepath: "/usr/local/airflow/dags/bad.py", error: "SyntaxError: x" }, 0)).toEqual({
      id: "1:/usr/local/airflow/dags/bad.py", filename: "/usr/local/airflow/dags/bad.py", timestamp: null, stackTrace: "SyntaxError: x",
    });
  });
});
