import { describe, expect, it } from "vitest";
import type { EnvironmentStatus, EnvironmentSummary } from "@/lib/monitor/dto";
import { HistoryStore, StoreError, type StorageTarget } from "./index";
import { freshDatabases, testBackends } from "./testing/backends";

const T0 = Date.parse("2026-11-21T12:00:00Z");
const S = 1000;
const MIN = 60 * S;

function summary(id: string, status: EnvironmentStatus, reasons: string[] = [], at = T0): EnvironmentSummary {
  return {
    id,
    name: id,
    kind: "airflow",
    tags: {},
    status,
    reasons,
    airflowVersion: "2.10.5",
    apiVersion: "v1",
    uiUrl: "http://example.invalid",
    checkedAt: new Date(at).toISOString(),
    lastSuccessAt: null,
    stale: false,
    latencyMs: 40,
    components: null,
    schedulerHeartbeat: null,
    platform: null,
    dags: null,
    runs: null,
    error: null,
    statusSince: null,
    uptime: { "24h": null, "7d": null, "30d": null },
  };
}

for (const backend of testBackends()) {
  describe(`history store on ${backend.name}`, () => {
    const { fresh, defer } = freshDatabases(backend);

    async function open(target: StorageTarget, clock: { t: number }, writer = {}): Promise<HistoryStore> {
      const store = await HistoryStore.open({ target, now: () => clock.t, writer: { intervalMs: 60_000, ...writer } });
      defer(() => store.close());
      return store;
    }

    it("migrates a new database, reopens it, and refuses one written by a newer Flightboard", async () => {
      const target = await fresh();
      const clock = { t: T0 };
      const a = await open(target, clock);
      await a.close();
      const b = await open(target, clock);
      await b.writer.exclusive((db) => db.insertInto("flightboard_migration" as never).values({ name: "999-future", timestamp: new Date().toISOString() } as never).execute());
      await b.close();
      const err = await HistoryStore.open({ target }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreError);
      expect((err as Error).message).toMatch(/newer than this Flightboard.*999-future/);
      expect((err as Error).message).not.toMatch(/\n/);
    });

    it("opens one incident per outage: worst status, distinct reasons, closed by the first healthy poll; a restart keeps its id", async () => {
      const target = await fresh();
      const clock = { t: T0 };
      let store = await open(target, clock);
      const poll = (status: EnvironmentStatus, reasons: string[], t: number) => {
        clock.t = t;
        store.recorder.observe(summary("sales", status, reasons, t), t, 30 * S, null);
      };
      poll("healthy", [], T0);
      poll("degraded", ["1 import error"], T0 + 1 * MIN);
      poll("unhealthy", ["scheduler heartbeat 95 s old", "1 import error"], T0 + 2 * MIN);
      poll("unknown", [], T0 + 3 * MIN);
      await store.writer.flush();
      const first = await store.incidents({ limit: 10 });
      expect(first).toHaveLength(1);
      expect(first[0]).toMatchObject({ environmentId: "sales", status: "unhealthy", endedAt: null, startedAt: "2026-11-21T12:01:00Z" });
      expect(first[0].reasons).toEqual(["1 import error", "scheduler heartbeat 95 s old"]);
      await store.close();

      // Restart: the open incident continues under the same id and closes at the first healthy poll.
      store = await open(target, clock);
      expect(store.restored.get("sales")?.summary.status).toBe("unknown");
      poll("unreachable", ["connection refused"], T0 + 10 * MIN);
      poll("healthy", [], T0 + 12 * MIN);
      poll("unreachable", ["connection refused"], T0 + 20 * MIN);
      await store.writer.flush();
      const all = await store.incidents({ limit: 10 });
      expect(all).toHaveLength(2);
      const [newest, closed] = all;
      expect(closed).toMatchObject({ id: first[0].id, status: "unhealthy", startedAt: "2026-11-21T12:01:00Z", endedAt: "2026-11-21T12:12:00Z", durationS: 660 });
      expect(closed.reasons).toEqual(["1 import error", "scheduler heartbeat 95 s old", "connection refused"]);
      expect(newest).toMatchObject({ status: "unreachable", endedAt: null, startedAt: "2026-11-21T12:20:00Z" });
      expect(await store.incidents({ limit: 10, state: "open" })).toEqual([newest]);
      expect(await store.incidents({ limit: 10, state: "resolved" })).toEqual([closed]);
      expect(await store.incidents({ limit: 10, from: T0 + 13 * MIN, to: T0 + 30 * MIN })).toEqual([newest]);
      expect(await store.incidents({ limit: 10, visible: ["other"] })).toEqual([]);
      expect(await store.incidents({ limit: 10, environment: "sales'; DROP TABLE incidents; --" })).toEqual([]);
    });

    it("computes time-weighted uptime across raw polls and hourly roll-ups; no-data polls do not count", async () => {
      const target = await fresh();
      const clock = { t: T0 };
      const store = await open(target, clock);
      // 3 hours of polls every 30 s: 2 h 30 min up, 30 min down, then unauthorized (no data).
      let t = T0 - 3 * 60 * MIN;
      for (; t < T0 - 30 * MIN; t += 30 * S) store.recorder.observe(summary("a", "healthy", [], t), t, 30 * S, null);
      for (; t < T0; t += 30 * S) store.recorder.observe(summary("a", "unreachable", ["timeout"], t), t, 30 * S, null);
      for (let u = T0; u < T0 + 20 * MIN; u += 30 * S) store.recorder.observe(summary("a", "unauthorized", ["401"], u), u, 30 * S, null);
      for (let u = T0 - 60 * MIN; u < T0; u += 30 * S) store.recorder.observe(summary("b", "unauthorized", ["401"], u), u, 30 * S, null);
      clock.t = T0 + 20 * MIN;
      await store.maintain();
      expect(store.uptime("a")).toEqual({ "24h": 83.33, "7d": 83.33, "30d": 83.33 });
      expect(store.uptime("b")).toEqual({ "24h": null, "7d": null, "30d": null });

      const day = await store.history("a", T0 - 24 * 60 * MIN, T0 + 20 * MIN);
      expect(day.stepS).toBe(300);
      const hourly = await store.history("a", T0 - 7 * 24 * 60 * MIN, T0 + 20 * MIN);
      // 7 days would fit 30-minute steps, but raw polls are kept 48 h only: hourly roll-ups answer.
      expect(hourly.stepS).toBe(3600);
      expect(hourly.points.length).toBeLessThanOrEqual(500);
      const withData = hourly.points.filter((p) => p.status !== null);
      expect(withData.map((p) => p.status)).toEqual(["healthy", "healthy", "unreachable", "unauthorized"]);
      expect(withData.map((p) => p.up)).toEqual([1, 1, 0.5, null]);
      const raw = await store.history("a", T0 - 40 * MIN, T0 + 10 * MIN);
      expect(raw.stepS).toBe(60);
      expect(raw.points[0]).toMatchObject({ t: "2026-11-21T11:20:00Z", status: "healthy", up: 1, latencyMs: 40 });
      expect(raw.points[15]).toMatchObject({ t: "2026-11-21T11:35:00Z", status: "unreachable", up: 0 });
      expect(raw.points[45]).toMatchObject({ status: "unauthorized", up: null });
    });

    it("counts each finished run once per hour and keeps failed runs for recentFailures?days=", async () => {
      const target = await fresh();
      const clock = { t: T0 };
      const store = await open(target, clock);
      const run = (dagId: string, runId: string, state: "success" | "failed", endMin: number) => ({
        dagId,
        runId,
        state,
        runType: "scheduled",
        logicalDate: new Date(T0 + (endMin - 5) * MIN).toISOString(),
        startDate: new Date(T0 + (endMin - 4) * MIN).toISOString(),
        endDate: new Date(T0 + endMin * MIN).toISOString(),
        durationS: 240,
        url: `http://example.invalid/dags/${dagId}/grid?dag_run_id=${runId}`,
      });
      const batch = [run("a", "r1", "success", -70), run("a", "r2", "success", -10), run("b", "r1", "failed", -5), run("c", "r1", "success", -3)];
      store.recorder.recordRuns("env", batch);
      // The incremental poll overlaps: the same runs come again and must not count twice.
      store.recorder.recordRuns("env", batch.slice(1));
      store.recorder.recordRuns("env", [run("b", "old", "failed", -3 * 24 * 60)]);
      await store.maintain();
      const hours = await store.runsPerHour("env", T0 - 2 * 60 * MIN, T0);
      expect(hours).toEqual([
        { hour: "2026-11-21T10:00:00Z", success: 1, failed: 0, other: 0 },
        { hour: "2026-11-21T11:00:00Z", success: 2, failed: 1, other: 0 },
      ]);
      expect((await store.failures("env", 1)).map((r) => r.runId)).toEqual(["r1"]);
      const week = await store.failures("env", 7);
      expect(week.map((r) => `${r.dagId}/${r.runId}`)).toEqual(["b/r1", "b/old"]);
      expect(week[0]).toMatchObject({ state: "failed", durationS: 240, url: "http://example.invalid/dags/b/grid?dag_run_id=r1" });
    });

    it("keeps writes queued while the database fails, says history is degraded, and loses nothing once it recovers", async () => {
      const target = await fresh();
      const clock = { t: T0 };
      const store = await open(target, clock);
      // A real failure: the table the writer needs is gone for a while.
      await store.writer.exclusive((db) => db.schema.alterTable("samples").renameTo("samples_away").execute());
      for (let i = 0; i < 10; i++) store.recorder.observe(summary("x", "healthy", [], T0 + i * 30 * S), T0 + i * 30 * S, 30 * S, null);
      await expect(store.writer.flush()).rejects.toThrow();
      expect(store.health()).toMatchObject({ state: "degraded" });
      expect(store.writer.health().queued).toBeGreaterThanOrEqual(10);
      await store.writer.exclusive((db) => db.schema.alterTable("samples_away").renameTo("samples").execute());
      await store.writer.flush(true);
      expect(store.health()).toEqual({ state: "ok", message: null });
      clock.t = T0 + 5 * MIN;
      await store.maintain();
      expect(store.uptime("x")?.["24h"]).toBe(100);
      const h = await store.history("x", T0, T0 + 5 * MIN);
      expect(h.points.filter((p) => p.status === "healthy")).toHaveLength(5);
    });

    it("drops the oldest samples beyond the bound and counts them", async () => {
      const target = await fresh();
      const clock = { t: T0 };
      const store = await open(target, clock, { maxQueuedRows: 5, batchRows: 1000 });
      await store.writer.exclusive((db) => db.schema.alterTable("samples").renameTo("samples_away").execute());
      for (let i = 0; i < 8; i++) store.recorder.observe(summary("x", "healthy", [], T0 + i * S), T0 + i * S, S, null);
      expect(store.writer.health()).toMatchObject({ dropped: 3, state: "degraded" });
      await store.writer.exclusive((db) => db.schema.alterTable("samples_away").renameTo("samples").execute());
    });
  });
}

describe("opening a database that cannot be used", () => {
  it("says so in one line (SQLite path under a file)", async () => {
    const err = await HistoryStore.open({ target: { kind: "sqlite", path: "/etc/hostname/history.db" } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as Error).message).toMatch(/^cannot create the folder of \/etc\/hostname\/history\.db: /);
  });

  it("says so in one line without the password (PostgreSQL not reachable)", async () => {
    const err = await HistoryStore.open({ target: { kind: "postgres", url: "postgres://fb:hunter2@127.0.0.1:1/db" } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as Error).message).toMatch(/^PostgreSQL postgres:\/\/fb@127\.0\.0\.1:1\/db cannot be used: /);
    expect((err as Error).message).not.toContain("hunter2");
    expect((err as Error).message).not.toMatch(/\n/);
  });
});

describe("incident reasons", () => {
  it("keeps distinct reasons, treating ones that differ only in figures as one (latest wording)", async () => {
    const { mergeReasons } = await import("./recorder");
    let r = mergeReasons([], ["scheduler heartbeat 95 s old", "1 import error"]);
    r = mergeReasons(r, ["scheduler heartbeat 2 min old", "2 import errors"]);
    r = mergeReasons(r, ["scheduler heartbeat 3 min old", "connection refused"]);
    expect(r).toEqual(["scheduler heartbeat 3 min old", "1 import error", "2 import errors", "connection refused"]);
    const many = Array.from({ length: 50 }, (_, i) => `reason ${String.fromCharCode(97 + (i % 26))}${i >= 26 ? "x" : ""}`);
    expect(mergeReasons([], many)).toHaveLength(20);
  });
});
