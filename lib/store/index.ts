import { rmSync } from "node:fs";
import type { DagRunDto, HistoryHealth, HistoryResponse, IncidentDto, RunsHour, Uptime } from "@/lib/monitor/dto";
import { SqlActionStore } from "./action-store";
import { SqlAlertStore } from "./alert-store";
import { openDatabase, type OpenDatabase, type StorageTarget } from "./db";
import { computeUptime, countRunHours, prune, rollupHours } from "./maintenance";
import { environmentHistory, listIncidents, recentRunHours, runsPerHour, storedFailures, type IncidentQuery } from "./queries";
import { Recorder, type RestoredState } from "./recorder";
import { announceStates } from "./replication";
import { floorTo, HOUR_MS, RETENTION_DEFAULTS, type RetentionConfig } from "./types";
import { StoreWriter, type WriterOptions } from "./writer";

export { StoreError } from "./migrations/index";
export type { StorageTarget } from "./db";
export type { RestoredState } from "./recorder";
export { RETENTION_DEFAULTS, type RetentionConfig } from "./types";

export interface HistoryStoreOptions {
  target: StorageTarget;
  retention?: RetentionConfig;
  /** Roll-ups, uptime and (hourly) pruning run this often (ms). */
  maintenanceMs?: number;
  now?: () => number;
  writer?: WriterOptions;
  /** Store failures, one line each (never secrets: URLs are redacted by lib/store/db). */
  onError?: (message: string) => void;
}

/**
 * History: one object per process that owns the database, the batched writer, the recorder of
 * polls and the periodic maintenance (roll-ups, pruning, uptime). Uptime is computed in the
 * background and read from memory, so cached reads never wait on the database.
 */
export class HistoryStore {
  readonly writer: StoreWriter;
  readonly recorder: Recorder;
  readonly retention: RetentionConfig;
  restored = new Map<string, RestoredState>();
  private readonly uptimes = new Map<string, Uptime>();
  private recentRuns = new Map<string, RunsHour[]>();
  private readonly uptimeListeners = new Set<(u: Map<string, Uptime>) => void>();
  private timer: NodeJS.Timeout | null = null;
  private lastPrune = 0;
  private maintaining: Promise<void> | null = null;
  private maintenanceError: string | null = null;
  private closed = false;
  readonly now: () => number;

  private constructor(
    private readonly open: OpenDatabase,
    private readonly opts: HistoryStoreOptions,
  ) {
    this.now = opts.now ?? Date.now;
    this.retention = opts.retention ?? RETENTION_DEFAULTS;
    // With PostgreSQL every flush of summaries is announced to the other replicas (contract §11).
    const announce = open.kind === "postgres" ? announceStates : undefined;
    this.writer = new StoreWriter(open.db, { onError: opts.onError, announce, ...opts.writer });
    this.recorder = new Recorder(open.db, this.writer);
  }

  /** Opens (creating and migrating) the database and loads what a restart restores. Throws StoreError. */
  static async open(opts: HistoryStoreOptions): Promise<HistoryStore> {
    const open = await openDatabase(opts.target);
    const store = new HistoryStore(open, opts);
    try {
      store.restored = await store.recorder.load();
      // Hours written before a crash but never rolled up are rolled up at the first maintenance.
      const now = store.now();
      const last = await open.db.selectFrom("rollup_hourly").select((eb) => eb.fn.max("bucket").as("b")).executeTakeFirst();
      const lastRuns = await open.db.selectFrom("run_hours").select((eb) => eb.fn.max("hour").as("b")).executeTakeFirst();
      const rawFrom = floorTo(now - store.retention.rawHours * HOUR_MS, HOUR_MS);
      for (let h = Math.max(rawFrom, Number(last?.b ?? rawFrom)); h <= now; h += HOUR_MS) store.recorder.dirtySampleHours.add(h);
      for (let h = Math.max(rawFrom, Number(lastRuns?.b ?? rawFrom)); h <= now; h += HOUR_MS) store.recorder.dirtyRunHours.add(h);
    } catch (e) {
      await store.close();
      throw e;
    }
    return store;
  }

  private alertStoreInstance: SqlAlertStore | null = null;

  /** Alerting's records (migration 002), written in the writer's exclusive lane. */
  alertStore(): SqlAlertStore {
    this.alertStoreInstance ??= new SqlAlertStore((fn) => this.writer.exclusive(fn));
    return this.alertStoreInstance;
  }

  private actionStoreInstance: SqlActionStore | null = null;

  /** The audit log and freezes (migration 003); writes in the exclusive lane, awaited by the caller. */
  actionStore(): SqlActionStore {
    this.actionStoreInstance ??= new SqlActionStore((fn) => this.writer.exclusive(fn), this.open.db);
    return this.actionStoreInstance;
  }

  get kind(): "sqlite" | "postgres" {
    return this.open.kind;
  }

  get describe(): string {
    return this.open.describe;
  }

  /** Starts periodic maintenance; the first run computes uptime from what the database holds. */
  start(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => void this.maintain().catch(() => {}), this.opts.maintenanceMs ?? 60_000);
    this.timer.unref();
    void this.maintain().catch(() => {});
  }

  /** Stops periodic maintenance (a replica that is no longer the leader leaves it to the leader). */
  stopMaintenance(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** The PostgreSQL URL, for the replicas' lease and feed; null with SQLite. */
  get postgresUrl(): string | null {
    return this.opts.target.kind === "postgres" ? this.opts.target.url : null;
  }

  /** Flushes, rolls up dirty hours, counts runs, prunes (hourly) and recomputes uptime. */
  maintain(): Promise<void> {
    this.maintaining ??= this.runMaintenance().finally(() => {
      this.maintaining = null;
    });
    return this.maintaining;
  }

  private async runMaintenance(): Promise<void> {
    try {
      await this.writer.flush(true);
      const now = this.now();
      const rawFrom = now - this.retention.rawHours * HOUR_MS;
      // Roll up only hours whose raw rows are all still kept; older ones keep their roll-up.
      const take = (set: Set<number>) => {
        const hours = [...set].filter((h) => h + HOUR_MS > rawFrom).sort((a, b) => a - b);
        set.clear();
        return hours;
      };
      const sampleHours = take(this.recorder.dirtySampleHours);
      const runHours = take(this.recorder.dirtyRunHours);
      try {
        await this.writer.exclusive(async (db) => {
          await rollupHours(db, sampleHours);
          await countRunHours(db, runHours);
        });
      } catch (e) {
        for (const h of sampleHours) this.recorder.dirtySampleHours.add(h);
        for (const h of runHours) this.recorder.dirtyRunHours.add(h);
        throw e;
      }
      if (now - this.lastPrune >= HOUR_MS) {
        await this.writer.exclusive((db) => prune(db, now, this.retention));
        this.lastPrune = now;
      }
      const uptimes = await computeUptime(this.open.db, now);
      this.recentRuns = await recentRunHours(this.open.db, now - 23 * HOUR_MS, now);
      this.uptimes.clear();
      for (const [k, v] of uptimes) this.uptimes.set(k, v);
      this.maintenanceError = null;
      for (const fn of this.uptimeListeners) fn(uptimes);
    } catch (e) {
      this.maintenanceError = e instanceof Error ? e.message : String(e);
      this.opts.onError?.(this.maintenanceError);
      throw e;
    }
  }

  /** The last computed uptime of an environment (memory only). */
  uptime(environmentId: string): Uptime | undefined {
    return this.uptimes.get(environmentId);
  }

  /** Counted runs per hour over the last 24 h (recorded hours only), from memory; refreshed with uptime. */
  recentRunsPerHour(environmentId: string): RunsHour[] | undefined {
    return this.recentRuns.get(environmentId);
  }

  onUptime(fn: (u: Map<string, Uptime>) => void): () => void {
    this.uptimeListeners.add(fn);
    return () => this.uptimeListeners.delete(fn);
  }

  health(): HistoryHealth {
    const w = this.writer.health();
    if (w.state === "degraded") {
      const parts = [w.lastError ? "writes failing" : null, w.queued ? `${w.queued} queued` : null, w.dropped ? `${w.dropped} dropped` : null].filter(Boolean);
      return { state: "degraded", message: `history degraded: ${parts.join(", ") || "recovering"}` };
    }
    if (this.maintenanceError) return { state: "degraded", message: "history degraded: roll-ups failing" };
    return { state: "ok", message: null };
  }

  incidents(q: IncidentQuery): Promise<IncidentDto[]> {
    return listIncidents(this.open.db, q, this.now());
  }

  history(environmentId: string, from: number, to: number): Promise<HistoryResponse> {
    return environmentHistory(this.open.db, environmentId, from, to, this.now(), this.retention);
  }

  failures(environmentId: string, days: number): Promise<DagRunDto[]> {
    return storedFailures(this.open.db, environmentId, days, this.now());
  }

  runsPerHour(environmentId: string, from: number, to: number): Promise<RunsHour[]> {
    return runsPerHour(this.open.db, environmentId, from, to);
  }

  /** Writes what is queued and closes the database; a temporary SQLite file is deleted. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.maintaining?.catch(() => {});
    await this.writer.close();
    await this.open.close();
    const t = this.opts.target;
    if (t.kind === "sqlite-temp") for (const suffix of ["", "-wal", "-shm"]) rmSync(t.path + suffix, { force: true });
  }
}
