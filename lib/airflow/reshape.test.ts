import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { AirflowError } from "./errors";
import {
  reshapeDag,
  reshapeDagPage,
  reshapeHealth,
  reshapeImportError,
  reshapeImportErrorPage,
  reshapeRun,
  reshapeRunPage,
  reshapeVersion,
  scheduleText,
  toIsoUtc,
} from "./reshape";

const EXAMPLES = fileURLToPath(new URL("../../../shared/airflow-api/examples/", import.meta.url));
const haveExamples = existsSync(EXAMPLES);
const example = (name: string): unknown => JSON.parse(readFileSync(`${EXAMPLES}${name}.json`, "utf8"));

function badResponse(fn: () => unknown): AirflowError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AirflowError);
    expect((e as AirflowError).kind).toBe("bad_response");
    return e as AirflowError;
  }
  throw new Error("expected bad_response");
}

describe("toIsoUtc", () => {
  it.each([
    ["2024-11-23T11:09:16.663124+00:00", "2024-11-23T11:09:16.663Z"],
    ["2018-12-26 17:15:11+00:00", "2018-12-26T17:15:11.000Z"],
    ["2020-06-11T18:00:00+00:00", "2020-06-11T18:00:00.000Z"],
    ["2026-03-20T10:00:00.123456Z", "2026-03-20T10:00:00.123Z"],
    ["2020-06-11T20:00:00+02:00", "2020-06-11T18:00:00.000Z"],
    ["2020-06-11T18:00:00", "2020-06-11T18:00:00.000Z"],
  ])("%s → %s", (input, out) => expect(toIsoUtc(input)).toBe(out));

  it("gives null for empty or unparseable values", () => {
    expect(toIsoUtc(null)).toBeNull();
    expect(toIsoUtc("")).toBeNull();
    expect(toIsoUtc("yesterday")).toBeNull();
  });
});

describe("scheduleText", () => {
  it("renders v1 schedule_interval objects like Airflow does", () => {
    expect(scheduleText({ __type: "CronExpression", value: "2 2 * * *" })).toBe("2 2 * * *");
    expect(scheduleText({ __type: "TimeDelta", days: 1, seconds: 0, microseconds: 0 })).toBe("1 day, 0:00:00");
    expect(scheduleText({ __type: "TimeDelta", days: 0, seconds: 1800, microseconds: 0 })).toBe("0:30:00");
    expect(scheduleText({ __type: "TimeDelta", days: 2, seconds: 3723, microseconds: 500 })).toBe("2 days, 1:02:03.000500");
    expect(scheduleText({ __type: "TimeDelta", days: -1, seconds: 82800, microseconds: 0 })).toBe("-1 day, 23:00:00");
    expect(
      scheduleText({
        __type: "RelativeDelta",
        years: 0, months: 1, days: 0, leapdays: 0, hours: -2, minutes: 0, seconds: 0, microseconds: 0,
        year: null, month: null, day: 1, hour: null, minute: null, second: null, microsecond: null,
      }),
    ).toBe("relativedelta(months=+1, hours=-2, day=1)");
    expect(scheduleText(null)).toBeNull();
    expect(scheduleText("@daily")).toBe("@daily");
  });
});

describe("shared values", () => {
  const dag = (id: string) => ({ dag_id: id, dag_display_name: id, is_paused: false, is_stale: false, tags: [{ name: "finance" }, { name: "daily" }], owners: ["airflow"], timetable_summary: "0 6 * * *" });

  it("DAGs with equal tags, owners and schedules share one frozen copy; the display name is the id when equal", () => {
    const a = reshapeDag("v2", dag("sales_daily"));
    const b = reshapeDag("v2", dag("sales_weekly"));
    expect(a.tags).toEqual(["finance", "daily"]);
    expect(b.tags).toBe(a.tags);
    expect(b.owners).toBe(a.owners);
    expect(Object.isFrozen(a.tags)).toBe(true);
    expect(() => a.tags.push("changed")).toThrow(TypeError);
    expect(a.displayName).toBe("sales_daily");
    expect(reshapeDag("v2", { ...dag("x"), tags: [], owners: null }).tags).toEqual([]);
  });
});

describe.skipIf(!haveExamples)(`Airflow example bodies (${haveExamples ? "found" : "skipped: ../shared/airflow-api/examples is absent"})`, () => {
  it("v1 health (older space-separated heartbeats)", () => {
    expect(reshapeHealth(example("airflow2-health"))).toEqual({
      metadatabase: "healthy",
      scheduler: "healthy",
      triggerer: "healthy",
      dagProcessor: "healthy",
      schedulerHeartbeat: "2018-12-26T17:15:11.000Z",
      triggererHeartbeat: "2018-12-26T17:16:12.000Z",
      dagProcessorHeartbeat: "2018-12-26T17:16:12.000Z",
    });
  });

  it("v2 health with +00:00 heartbeats", () => {
    const h = reshapeHealth(example("airflow3-health"));
    expect(h.schedulerHeartbeat).toBe("2024-11-23T11:09:16.663Z");
    expect(h.triggererHeartbeat).toBe("2024-11-23T11:09:15.815Z");
    expect(h.dagProcessor).toBe("healthy");
  });

  it("health of a deployment without triggerer/dag processor, and unhealthy scheduler", () => {
    const h = reshapeHealth({
      metadatabase: { status: "healthy" },
      scheduler: { status: "unhealthy", latest_scheduler_heartbeat: null },
      triggerer: { status: null, latest_triggerer_heartbeat: null },
    });
    expect(h).toEqual({
      metadatabase: "healthy",
      scheduler: "unhealthy",
      triggerer: null,
      dagProcessor: null,
      schedulerHeartbeat: null,
      triggererHeartbeat: null,
      dagProcessorHeartbeat: null,
    });
  });

  it("a body that is not health JSON is a bad response", () => {
    const err = badResponse(() => reshapeHealth(example("airflow3-old-health-path-404")));
    expect(err.message).toMatch(/^the health answer is not Airflow's health JSON/);
    badResponse(() => reshapeHealth("<html>"));
  });

  it("versions", () => {
    expect(reshapeVersion(example("airflow2-version"))).toEqual({ version: "MOCK_VERSION", gitVersion: "GIT_COMMIT" });
    expect(reshapeVersion(example("airflow3-version"))).toEqual({ version: "MOCK_VERSION", gitVersion: "GIT_COMMIT" });
    expect(reshapeVersion({ version: "2.1.0" })).toEqual({ version: "2.1.0", gitVersion: null });
    badResponse(() => reshapeVersion(example("airflow3-old-api-v1-404")));
  });

  it("v1 DAG list", () => {
    const page = reshapeDagPage("v1", example("airflow2-dags-list"));
    expect(page.total).toBe((example("airflow2-dags-list") as { total_entries: number }).total_entries);
    expect(page.items[0]).toEqual({
      dagId: "TEST_DAG_1",
      displayName: "TEST_DAG_1",
      paused: false,
      active: true,
      tags: [],
      owners: [],
      schedule: "2 2 * * *",
      nextRunAt: null,
      nextRunAfter: null,
      hasImportErrors: false,
    });
  });

  it("v2 DAG (is_stale inverted, timetable_summary, next run)", () => {
    expect(reshapeDag("v2", example("airflow3-dag"))).toEqual({
      dagId: "test_dag2",
      displayName: "test_dag2",
      paused: false,
      active: true,
      tags: [],
      owners: ["airflow"],
      schedule: null,
      nextRunAt: null,
      nextRunAfter: null,
      hasImportErrors: false,
    });
    const stale = reshapeDag("v2", {
      ...(example("airflow3-dag") as object),
      is_stale: true,
      is_paused: true,
      timetable_summary: "@daily",
      next_dagrun_logical_date: null,
      next_dagrun_run_after: "2026-03-21T00:00:00Z",
      tags: [{ name: "finance", dag_id: "test_dag2" }],
    });
    expect([stale.active, stale.paused, stale.schedule, stale.nextRunAt, stale.nextRunAfter, stale.tags]).toEqual([
      false, true, "@daily", "2026-03-21T00:00:00.000Z", "2026-03-21T00:00:00.000Z", ["finance"],
    ]);
  });

  it("an old 2.x DAG with only the oldest fields", () => {
    const d = reshapeDag("v1", { dag_id: "a", is_paused: null, owners: ["x"], tags: null });
    expect(d).toMatchObject({ dagId: "a", paused: false, active: true, tags: [], schedule: null, displayName: null });
  });

  it("v1 DAG runs (+00:00 → Z, logical_date preferred, execution_date fallback)", () => {
    const page = reshapeRunPage(example("airflow2-dag-runs-batch"));
    expect(page.total).toBe(2);
    expect(page.items[0]).toEqual({
      dagId: "TEST_DAG_ID",
      runId: "TEST_DAG_RUN_ID_1",
      state: "running",
      runType: "manual",
      logicalDate: "2020-06-11T18:00:00.000Z",
      startDate: "2020-06-11T18:00:00.000Z",
      endDate: null,
      updatedAt: "2020-06-11T18:00:00.000Z",
    });
    const old = reshapeRun({ dag_id: "a", dag_run_id: "r", state: "success", execution_date: "2020-01-01T00:00:00+00:00", end_date: "2020-01-01T01:00:00+00:00" });
    expect(old.logicalDate).toBe("2020-01-01T00:00:00.000Z");
    expect(old.updatedAt).toBe("2020-01-01T01:00:00.000Z");
  });

  it("v2 DAG run without start date: updatedAt from queued_at", () => {
    const r = reshapeRun(example("airflow3-dag-run"));
    expect(r).toEqual({
      dagId: "test_dag1",
      runId: "dag_run_6",
      state: "queued",
      runType: "manual",
      logicalDate: "2026-03-20T10:00:00.123Z",
      startDate: null,
      endDate: null,
      updatedAt: "2026-03-20T10:00:00.123Z",
    });
    const noLogical = reshapeRun({ ...(example("airflow3-dag-run") as object), logical_date: null, queued_at: null });
    expect(noLogical.logicalDate).toBeNull();
    expect(noLogical.updatedAt).toBe("2026-03-20T10:00:00.123Z"); // run_after
  });

  it("a run with an unknown state is a bad response", () => {
    badResponse(() => reshapeRun({ ...(example("airflow3-dag-run") as object), state: "exploded" }));
  });

  it("import errors (v1 and v2)", () => {
    expect(reshapeImportError(example("airflow2-import-error"))).toEqual({
      id: 1,
      filename: "Lorem_ipsum.py",
      timestamp: "2020-06-10T12:00:00.000Z",
      stackTrace: "Lorem ipsum",
    });
    const page = reshapeImportErrorPage({ import_errors: [example("airflow3-import-error")], total_entries: 1 });
    expect(page).toEqual({
      items: [{ id: 1, filename: "test_filename1.py", timestamp: "2024-06-15T01:00:00.000Z", stackTrace: "test_stacktrace1" }],
      total: 1,
    });
  });

  it("list bodies that do not match are bad responses naming the list", () => {
    const err = badResponse(() => reshapeDagPage("v2", { dags: [{ dag_display_name: "x" }], total_entries: 1 }));
    expect(err.message).toBe("the DAG list answer is not Airflow's DAG list JSON (at dags.0.dag_id)");
    badResponse(() => reshapeRunPage(example("airflow3-error-401")));
    badResponse(() => reshapeImportErrorPage(undefined));
  });
});
