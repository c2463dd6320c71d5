import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authConfig, displayToken } from "@/lib/auth/testing/fixtures";
import type { AuthPolicy } from "@/lib/auth/policy-store";
import type { FleetMonitor } from "@/lib/monitor/monitor";
import { startMonitoredSim } from "@/lib/testing/monitored-sim";
import type { Simulator } from "@/sim/index";
import { metricsAccess, metricsText, recordPoll } from "./metrics";

/** `/metrics` from a monitor watching the simulator: valid for the real promtool, values equal to the fleet's. */

let sim: Simulator;
let monitor: FleetMonitor;

beforeAll(async () => {
  ({ sim, monitor } = await startMonitoredSim(
    [
      { id: "sales-prod", tags: { team: "sales", stage: "prod" }, airflowVersion: "2.10.5", scenario: "failing-dags" },
      { id: "sales-dev", tags: { team: "sales", "cost-center": "42" }, airflowVersion: "3.1.0", scenario: "healthy" },
      { id: "mkt-prod", tags: { team: "marketing" }, airflowVersion: "3.1.0", scenario: "scheduler-down" },
      { id: "fin-prod", tags: {}, airflowVersion: "2.10.5", scenario: "import-errors" },
    ],
    { refresh: { health: 30, runs: 60, dags: 300 }, monitor: { onPollDone: recordPoll } },
  ));
}, 60_000);

afterAll(async () => {
  monitor?.stop();
  await sim?.close();
});

/** `name{labels} value` lines as [name, labels, value]. */
function samples(text: string): { name: string; labels: Record<string, string>; value: number }[] {
  return text
    .split("\n")
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => {
      const m = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(l)!;
      const labels = Object.fromEntries([...(m[2] ?? "").matchAll(/([a-zA-Z_]+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
      return { name: m[1], labels, value: Number(m[3]) };
    });
}

describe("GET /metrics", () => {
  it("passes `promtool check metrics` and carries every metric of contract §9", async () => {
    const text = await metricsText(monitor.environments().map((env) => env.summary), monitor.now());
    const check = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
    expect(check.error, "promtool is installed (Debian: prometheus)").toBeUndefined();
    expect(`${check.stdout}${check.stderr}`.trim()).toBe("");
    expect(check.status).toBe(0);
    const names = new Set(samples(text).map((s) => s.name.replace(/_(bucket|sum|count)$/, "")));
    for (const n of [
      "flightboard_environment_up",
      "flightboard_environment_status",
      "flightboard_environment_stale",
      "flightboard_component_healthy",
      "flightboard_scheduler_heartbeat_age_seconds",
      "flightboard_poll_last_success_timestamp_seconds",
      "flightboard_poll_duration_seconds",
      "flightboard_upstream_requests_total",
      "flightboard_dags",
      "flightboard_import_errors",
      "flightboard_dag_runs",
      "flightboard_alerts_firing",
      "flightboard_build_info",
    ]) {
      expect(names, n).toContain(n);
    }
  });

  it("has the fleet's values, with tags as labels", async () => {
    const text = await metricsText(monitor.environments().map((env) => env.summary), monitor.now());
    const all = samples(text);
    const one = (name: string, env: string, extra: Record<string, string> = {}) =>
      all.filter((s) => s.name === name && s.labels.environment === env && Object.entries(extra).every(([k, v]) => s.labels[k] === v));
    for (const rt of monitor.environments()) {
      const e = rt.summary;
      const status = one("flightboard_environment_status", e.id);
      expect(status.length).toBe(6);
      expect(status.filter((s) => s.value === 1).map((s) => s.labels.status)).toEqual([e.status]);
      const up = one("flightboard_environment_up", e.id);
      if (e.status === "healthy" || e.status === "degraded") expect(up.map((s) => s.value)).toEqual([1]);
      else if (e.status === "unhealthy" || e.status === "unreachable") expect(up.map((s) => s.value)).toEqual([0]);
      else expect(up).toEqual([]);
      expect(one("flightboard_dags", e.id, { state: "active" })[0].value).toBe(e.dags!.active);
      expect(one("flightboard_dags", e.id, { state: "failing" })[0].value).toBe(e.dags!.failing);
      expect(one("flightboard_import_errors", e.id)[0].value).toBe(e.dags!.importErrors);
      expect(one("flightboard_dag_runs", e.id, { state: "running" })[0].value).toBe(e.runs!.running);
      expect(one("flightboard_environment_stale", e.id)[0].value).toBe(e.stale ? 1 : 0);
      for (const [k, v] of Object.entries(e.tags)) expect(up.concat(status)[0].labels[`tag_${k.replace(/-/g, "_")}`]).toBe(v);
      expect(one("flightboard_upstream_requests_total", e.id, { cadence: "health" }).reduce((a, s) => a + s.value, 0)).toBeGreaterThanOrEqual(1);
    }
    // The demo scenarios: a scheduler that is down is reported as such.
    expect(one("flightboard_component_healthy", "mkt-prod", { component: "scheduler" })[0].value).toBe(0);
    expect(one("flightboard_dags", "sales-prod", { state: "failing" })[0].value).toBeGreaterThan(0);
  });

  it("with authentication on, needs the metrics token or a display token (which sees only its environments)", async () => {
    const policy: AuthPolicy = {
      auth: authConfig({ displayTokens: [displayToken("sales-wall", "wall-token-sales", { tags: { team: "sales" } })] }),
      environmentAccess: new Map(),
      discoveryAccess: { mwaa: [], composer: [] },
      source: "test",
      secretValues: [],
      metricsToken: "scrape-token-123",
    };
    const none = await metricsAccess(policy, null, monitor);
    expect(none).toBeInstanceOf(Response);
    expect((none as Response).status).toBe(401);
    expect(await metricsAccess(policy, "Bearer wrong", monitor)).toBeInstanceOf(Response);
    const scraper = await metricsAccess(policy, "Bearer scrape-token-123", monitor);
    expect(Array.isArray(scraper) && scraper.length).toBe(4);
    const wall = await metricsAccess(policy, "Bearer wall-token-sales", monitor);
    expect(Array.isArray(wall) && wall.map((e) => e.id).sort()).toEqual(["sales-dev", "sales-prod"]);
  });
});
