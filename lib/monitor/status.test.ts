import { describe, expect, it } from "vitest";
import type { Health, PlatformClass } from "@/lib/airflow/types";
import { computeStatus, type StatusInput } from "./status";

const NOW = Date.parse("2026-11-21T12:00:00Z");
const healthy: Health = {
  metadatabase: "healthy",
  scheduler: "healthy",
  triggerer: "healthy",
  dagProcessor: null,
  schedulerHeartbeat: "2026-11-21T11:59:55Z",
  triggererHeartbeat: "2026-11-21T11:59:55Z",
  dagProcessorHeartbeat: null,
};

function input(over: Partial<StatusInput> = {}): StatusInput {
  return {
    now: NOW,
    healthIntervalMs: 30_000,
    checkedAt: NOW - 1000,
    monitoredSince: NOW - 600_000,
    lastSuccessAt: NOW - 1000,
    pollError: null,
    platform: null,
    health: healthy,
    dataErrors: [],
    importErrors: 0,
    failingDags: 0,
    ...over,
  };
}

describe("computeStatus (contract §3)", () => {
  it("is unknown before the first poll", () => {
    expect(computeStatus(input({ checkedAt: null, lastSuccessAt: null, health: null })).status).toBe("unknown");
  });

  it("is healthy with no findings and no reasons", () => {
    expect(computeStatus(input())).toEqual({ status: "healthy", reasons: [], stale: false });
  });

  it("is unreachable on a timeout, before any other rule", () => {
    const r = computeStatus(
      input({ pollError: { code: "timeout", message: "no answer within 10 s", httpStatus: null }, health: null, importErrors: 2, failingDags: 1 }),
    );
    expect(r.status).toBe("unreachable");
    expect(r.reasons).toEqual(["no answer within 10 s", "2 import errors", "1 failing DAG"]);
  });

  it("is unauthorized, not unreachable, for auth failures and unset secrets", () => {
    expect(computeStatus(input({ pollError: { code: "auth", message: "HTTP 401", httpStatus: 401 }, health: null })).status).toBe("unauthorized");
    const r = computeStatus(input({ dataErrors: [{ code: "missing_secret", message: "environment variable X is not set", httpStatus: null }] }));
    expect(r.status).toBe("unauthorized");
    expect(r.reasons).toEqual(["environment variable X is not set"]);
  });

  it("is unhealthy when the scheduler or metadatabase is, naming the heartbeat age", () => {
    const r = computeStatus(input({ health: { ...healthy, scheduler: "unhealthy", schedulerHeartbeat: "2026-11-21T11:58:25Z" }, importErrors: 1 }));
    expect(r.status).toBe("unhealthy");
    expect(r.reasons).toEqual(["scheduler heartbeat 2 min old", "1 import error"]);
    expect(computeStatus(input({ health: { ...healthy, metadatabase: "unhealthy" } })).status).toBe("unhealthy");
  });

  it("is degraded for triggerer / DAG processor, import errors, failing DAGs and data-call failures", () => {
    expect(computeStatus(input({ health: { ...healthy, triggerer: "unhealthy" } })).status).toBe("degraded");
    expect(computeStatus(input({ health: { ...healthy, dagProcessor: "unhealthy" } })).status).toBe("degraded");
    expect(computeStatus(input({ importErrors: 2 })).reasons).toEqual(["2 import errors"]);
    expect(computeStatus(input({ failingDags: 3 })).reasons).toEqual(["3 failing DAGs"]);
    const r = computeStatus(input({ dataErrors: [{ code: "http", message: "Airflow answered HTTP 500", httpStatus: 500 }] }));
    expect(r.status).toBe("degraded");
    expect(r.reasons).toEqual(["data calls failing: Airflow answered HTTP 500"]);
  });

  it("maps the connector's platform class", () => {
    const mwaa = (state: string, c: PlatformClass) => ({ platform: { state, class: c, label: "MWAA environment" } });
    const composer = (state: string, c: PlatformClass) => ({ platform: { state, class: c, label: "Composer environment" } });
    expect(computeStatus(input({ ...mwaa("UNAVAILABLE", "broken"), health: null }))).toMatchObject({ status: "unhealthy", reasons: ["MWAA environment is UNAVAILABLE"] });
    expect(computeStatus(input(mwaa("UPDATING", "transition")))).toMatchObject({ status: "degraded", reasons: ["MWAA environment is UPDATING"] });
    expect(computeStatus(input(mwaa("AVAILABLE", "ok"))).status).toBe("healthy");
    expect(computeStatus(input({ ...composer("ERROR", "broken"), health: null })).status).toBe("unhealthy");
    expect(computeStatus(input(composer("CREATING", "transition"))).reasons).toEqual(["Composer environment is CREATING"]);
    // A broken platform explains a failing web server: unhealthy, not unreachable.
    expect(computeStatus(input({ ...mwaa("CREATE_FAILED", "broken"), pollError: { code: "connection", message: "refused", httpStatus: null } })).status).toBe(
      "unhealthy",
    );
  });

  it("marks stale after 3 × refresh.health without success, from when monitoring began if never", () => {
    const r = computeStatus(input({ lastSuccessAt: NOW - 90_000 }));
    expect(r.stale).toBe(true);
    expect(r.status).toBe("degraded");
    expect(r.reasons).toEqual(["stale: no successful poll for 90 s"]);
    expect(computeStatus(input({ lastSuccessAt: NOW - 89_000 })).stale).toBe(false);
    const never = computeStatus(input({ lastSuccessAt: null, monitoredSince: NOW - 95_000, pollError: { code: "timeout", message: "t", httpStatus: null }, health: null }));
    expect(never).toMatchObject({ status: "unreachable", stale: true });
  });
});
