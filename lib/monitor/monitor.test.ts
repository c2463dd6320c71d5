import { describe, expect, it } from "vitest";
import { AirflowError } from "@/lib/airflow/errors";
import type { Connector, Dag, DagRun, Health, ListRunsQuery } from "@/lib/airflow/types";
import type { EnvironmentConfig, FlightboardConfig } from "@/lib/config/types";
import { FakeClock } from "./clock";
import { ReadsBusy } from "./dag-run-reads";
import { FleetMonitor, statusChangeLine } from "./monitor";

/**
 * Scheduler behaviour on a fake clock, with a scripted connector standing in for the network (the
 * connectors themselves are tested against the simulator in the integration tests).
 */

const healthy: Health = {
  metadatabase: "healthy",
  scheduler: "healthy",
  triggerer: null,
  dagProcessor: null,
  schedulerHeartbeat: null,
  triggererHeartbeat: null,
  dagProcessorHeartbeat: null,
};

class ScriptedConnector implements Connector {
  readonly kind = "airflow" as const;
  calls: string[] = [];
  hang = false;
  failHealth: AirflowError | null = null;
  dags: Dag[] = Array.from({ length: 250 }, (_, i) => ({
    dagId: `dag_${i}`,
    displayName: null,
    paused: i % 10 === 0,
    active: true,
    tags: [],
    owners: [],
    schedule: null,
    nextRunAt: null,
    hasImportErrors: false,
  }));
  runs: DagRun[] = [];
  constructor(private readonly clock: FakeClock) {}
  private async step(name: string, signal: AbortSignal) {
    this.calls.push(name);
    if (this.hang) await new Promise((_, reject) => signal.addEventListener("abort", () => reject(new Error("aborted"))));
  }
  async getPlatform() {
    return null;
  }
  async getHealth(signal: AbortSignal) {
    await this.step("health", signal);
    if (this.failHealth) throw this.failHealth;
    return { ...healthy, schedulerHeartbeat: new Date(this.clock.now() - 2000).toISOString() };
  }
  async getVersion(signal: AbortSignal) {
    await this.step("version", signal);
    return { version: "2.10.5", gitVersion: null };
  }
  apiVersion() {
    return "v1" as const;
  }
  uiUrl() {
    return "http://airflow.example";
  }
  async listDags(page: { offset: number; limit: number }, signal: AbortSignal) {
    await this.step("dags", signal);
    return { items: this.dags.slice(page.offset, page.offset + page.limit), total: this.dags.length };
  }
  async listRuns(q: ListRunsQuery, signal: AbortSignal) {
    await this.step(`runs:${q.states?.join("|") ?? ""}:${q.updatedAtGte ?? ""}`, signal);
    const items = this.runs
      .filter((r) => !q.updatedAtGte || (r.updatedAt ?? "") >= q.updatedAtGte)
      .filter((r) => !q.startDateGte || (r.startDate ?? "") >= q.startDateGte)
      .filter((r) => !q.states || q.states.includes(r.state))
      .sort((a, b) => (q.newestFirst ? (b.startDate ?? "").localeCompare(a.startDate ?? "") : (a.updatedAt ?? "").localeCompare(b.updatedAt ?? "")));
    return { items: items.slice(q.offset, q.offset + q.limit), total: items.length };
  }
  async listImportErrors(_p: { offset: number; limit: number }, signal: AbortSignal) {
    await this.step("importErrors", signal);
    return { items: [], total: 0 };
  }
  /** Only the on-demand per-DAG reads hang (an environment slow on exactly what viewers can ask for). */
  hangDagRuns = false;
  async listDagRuns(dagId: string, limit: number, signal: AbortSignal) {
    await this.step(`dagRuns:${dagId}`, signal);
    if (this.hangDagRuns) await new Promise((_, reject) => signal.addEventListener("abort", () => reject(new Error("aborted"))));
    return this.runs.filter((r) => r.dagId === dagId).slice(0, limit);
  }
}

function env(id: string): EnvironmentConfig {
  return { id, name: id, tags: {}, target: { kind: "airflow", baseUrl: `http://${id}.example`, apiVersion: "v1", auth: { type: "none" } } };
}

function setup(ids = ["a"]) {
  const clock = new FakeClock();
  const config: FlightboardConfig = {
    refresh: { health: 10, runs: 20, dags: 60 },
    timeoutSeconds: 5,
    environments: ids.map(env),
    discovery: { mwaa: [], composer: [] },
    source: "test",
  };
  const connectors = new Map<string, ScriptedConnector>();
  const changes: string[] = [];
  const monitor = new FleetMonitor({
    config,
    clock,
    stagger: false,
    onStatusChange: (c) => changes.push(statusChangeLine(c)),
    createConnector: (e) => {
      const c = new ScriptedConnector(clock);
      connectors.set(e.id, c);
      return c;
    },
  });
  return { clock, monitor, connectors, changes };
}

/** `setup()` with the monitor started and its first polls done. */
async function started(ids?: string[]) {
  const s = setup(ids);
  s.monitor.start();
  await s.clock.advance(0);
  await s.monitor.settle();
  return s;
}

describe("FleetMonitor scheduling", () => {
  it("polls health, runs and DAGs on their own cadences, paging the DAG list by total_entries", async () => {
    const { clock, monitor, connectors } = setup();
    monitor.start();
    await clock.advance(0);
    const c = connectors.get("a")!;
    const count = (p: string) => c.calls.filter((x) => x.startsWith(p)).length;
    expect(count("health")).toBe(1);
    expect(count("dags")).toBe(3); // ceil(250 / 100)
    // 4 totals (running, queued, succeeded and failed in 24 h), then seeding: newest runs, 7-day failures.
    expect(count("runs")).toBe(6);
    expect(monitor.environment("a")!.summary.status).toBe("healthy");
    expect(monitor.environment("a")!.summary.dags).toEqual({ total: 250, active: 225, paused: 25, failing: 0, importErrors: 0 });

    await clock.advance(60_000);
    expect(count("health")).toBe(7); // t = 0, 10, …, 60 s
    expect(count("runs")).toBe(6 + 3 * 5); // then at t = 20, 40, 60 s: 4 totals + 1 page of updates
    expect(count("dags")).toBe(6); // t = 0, 60 s
    monitor.stop();
  });

  it("readers get immutable snapshots: the same objects until a poll publishes new ones, which leave the old ones as they were", async () => {
    const { clock, monitor, connectors } = await started();
    const fleet = monitor.environments();
    const first = monitor.environment("a")!;
    // Reads between changes cost nothing: no copy per request.
    expect(monitor.environments()).toBe(fleet);
    expect(monitor.environment("a")).toBe(first);
    const c = connectors.get("a")!;
    c.dags = c.dags.filter((d) => d.dagId !== "dag_1");
    await clock.advance(60_000);
    await monitor.settle();
    expect(monitor.environments()).not.toBe(fleet);
    expect(monitor.environment("a")!.dags?.has("dag_1")).toBe(false);
    expect(first.dags?.size).toBe(250);
    expect(first.dags?.has("dag_1")).toBe(true);
    // An action's answer shows at once, in a new snapshot.
    const before = monitor.environment("a")!;
    const after = monitor.noteDag("a", { ...before.dags!.get("dag_3")!, paused: true })!;
    expect(after.dags?.get("dag_3")?.paused).toBe(true);
    expect(before.dags?.get("dag_3")?.paused).toBe(false);
    expect(monitor.environment("a")).toBe(after);
    monitor.stop();
  });

  it("follows runs updated since the cursor and never runs two polls of one cadence at once", async () => {
    const { clock, monitor, connectors } = setup();
    monitor.start();
    await clock.advance(0);
    const c = connectors.get("a")!;
    // Snapshots never change: each read takes the one published last.
    const env = () => monitor.environment("a")!;
    expect(env().runsCursor).toBe("2026-11-21T11:59:00Z");
    const iso = (ago: number) => new Date(clock.now() - ago).toISOString();
    c.runs = [
      { dagId: "dag_1", runId: "r1", state: "failed", runType: "scheduled", logicalDate: null, startDate: iso(-20_000), endDate: iso(-30_000), updatedAt: iso(-30_000) },
      { dagId: "dag_2", runId: "r1", state: "running", runType: "manual", logicalDate: null, startDate: iso(-25_000), endDate: null, updatedAt: iso(-25_000) },
    ];
    await clock.advance(40_000);
    expect(env().summary.dags?.failing).toBe(1);
    expect(env().summary.runs).toEqual({ running: 1, queued: 0, failed24h: 1, succeeded24h: 0 });
    expect(env().summary.status).toBe("degraded");
    expect(env().summary.reasons).toEqual(["1 failing DAG"]);
    const updates = c.calls.filter((x) => x.startsWith("runs::2"));
    expect(updates[0]).toBe("runs::2026-11-21T11:59:00Z");
    // After seeing the update at t0 + 30 s the cursor moves to it minus the 60 s overlap.
    expect(env().runsCursor).toBe("2026-11-21T11:59:30Z");

    c.hang = true;
    const before = c.calls.length;
    await clock.advance(35_000);
    // One hung health call, one hung runs call: the later ticks found them still running and skipped.
    expect(c.calls.slice(before).filter((x) => x === "health")).toHaveLength(1);
    monitor.stop();
  });

  it("reports errors as statuses and coalesces change notifications", async () => {
    const { clock, monitor, connectors, changes } = setup(["a", "b"]);
    let notified = 0;
    monitor.subscribe(() => notified++);
    monitor.start();
    await clock.advance(0);
    connectors.get("b")!.failHealth = new AirflowError({ kind: "connection", message: "connection refused by b.example:80" });
    await clock.advance(10_000);
    expect(monitor.environment("b")!.summary).toMatchObject({
      status: "unreachable",
      error: { code: "connection", message: "connection refused by b.example:80", httpStatus: null },
      stale: false,
    });
    expect(monitor.environment("a")!.summary.status).toBe("healthy");
    await clock.advance(1000);
    expect(notified).toBe(2);
    await clock.advance(20_000);
    expect(monitor.environment("b")!.summary.stale).toBe(true);
    // One line per change, not one per poll: b went healthy → unreachable once and stayed there.
    expect(changes).toEqual([
      "env a: unknown → healthy",
      "env b: unknown → healthy",
      "env b: healthy → unreachable (connection refused by b.example:80)",
    ]);
    monitor.stop();
  });

  it("spreads environments' polls over the interval after the first one", async () => {
    const clock = new FakeClock();
    const ids = Array.from({ length: 20 }, (_, i) => `env-${i}`);
    const when = new Map<string, number[]>();
    const monitor = new FleetMonitor({
      config: { refresh: { health: 10, runs: 20, dags: 60 }, timeoutSeconds: 5, environments: ids.map(env), discovery: { mwaa: [], composer: [] }, source: "t" },
      clock,
      createConnector: (e) => {
        const c = new ScriptedConnector(clock);
        const health = c.getHealth.bind(c);
        c.getHealth = async (signal) => {
          when.set(e.id, [...(when.get(e.id) ?? []), clock.now() - start]);
          return health(signal);
        };
        return c;
      },
    });
    const start = clock.now();
    monitor.start();
    for (let t = 0; t < 30; t++) await clock.advance(1000);
    const second = ids.map((id) => when.get(id)![1]);
    expect(ids.every((id) => when.get(id)![0] === 0)).toBe(true);
    expect(Math.min(...second)).toBeGreaterThanOrEqual(10_000);
    expect(Math.max(...second)).toBeLessThan(15_000);
    expect(new Set(second).size).toBeGreaterThan(3);
    // Then fixed rate: every environment keeps its own phase.
    expect(ids.every((id) => when.get(id)![2] - when.get(id)![1] === 10_000)).toBe(true);
    monitor.stop();
  });

  it("adds discovered environments and drops them when they disappear; explicit ones win", async () => {
    const clock = new FakeClock();
    let found: EnvironmentConfig[] = [{ ...env("mwaa-eu-west-1-x"), discovered: "mwaa" }, { ...env("dup"), discovered: "mwaa" }];
    found[1].target = env("a").target;
    const monitor = new FleetMonitor({
      config: { refresh: { health: 10, runs: 20, dags: 60 }, timeoutSeconds: 5, environments: [env("a")], discovery: { mwaa: [], composer: [] }, source: "t" },
      clock,
      stagger: false,
      createConnector: () => new ScriptedConnector(clock),
      discoverers: [async () => found],
    });
    monitor.start();
    await clock.advance(0);
    expect(monitor.environments().map((env) => env.id).sort()).toEqual(["a", "mwaa-eu-west-1-x"]);
    found = [];
    await clock.advance(60_000);
    expect(monitor.environments().map((env) => env.id)).toEqual(["a"]);
    monitor.stop();
  });

  it("a flood of on-demand DAG-run reads never holds up health polling, and waits in a bounded queue", async () => {
    const { clock, monitor, connectors } = await started();
    const c = connectors.get("a")!;
    c.hangDagRuns = true;
    const gone = new AbortController();
    const outcomes = Array.from({ length: 80 }, (_, i) =>
      monitor.dagRuns("a", `dag_${i % 40}`, 1 + i, gone.signal).then(
        () => "ok",
        (e: unknown) => (e instanceof ReadsBusy ? "busy" : "other"),
      ),
    );
    const healthBefore = c.calls.filter((x) => x === "health").length;
    await clock.advance(60_000);
    // Health every 10 s as if nobody asked for anything; at most 10 reads queued, the rest refused.
    expect(c.calls.filter((x) => x === "health").length - healthBefore).toBeGreaterThanOrEqual(6);
    const rt = monitor.environment("a")!;
    expect(rt.summary).toMatchObject({ status: "healthy", stale: false });
    expect(Date.parse(rt.summary.checkedAt!)).toBeGreaterThanOrEqual(clock.now() - 10_000);
    expect(c.calls.filter((x) => x.startsWith("dagRuns:")).length).toBe(2);
    gone.abort();
    const counts = (await Promise.all(outcomes)).reduce<Record<string, number>>((m, o) => ({ ...m, [o]: (m[o] ?? 0) + 1 }), {});
    // dag_0…dag_9 queued (later requests for them joined), every other DAG refused with ReadsBusy.
    expect(counts).toEqual({ busy: 60, other: 20 });
    monitor.stop();
  });

  it("a stuck poll turns the environment stale on time, and subscribers hear of it", async () => {
    const { clock, monitor, connectors } = await started();
    const env = () => monitor.environment("a")!;
    expect(env().summary.stale).toBe(false);
    const lastSuccess = env().lastSuccessAt!;
    let notified = 0;
    monitor.subscribe(() => notified++);
    connectors.get("a")!.hang = true;
    // 3 × refresh.health (10 s) after the last success, with every poll since stuck.
    await clock.advance(lastSuccess + 30_000 - clock.now() - 1);
    expect(env().summary.stale).toBe(false);
    notified = 0;
    await clock.advance(1);
    expect(env().summary).toMatchObject({ stale: true, status: "degraded" });
    expect(env().summary.reasons).toContain("stale: no successful poll for 30 s");
    await clock.advance(1000);
    expect(notified).toBe(1);
    monitor.stop();
  });
});
