import type { FleetMonitor } from "@/lib/monitor/monitor";
import type { HistoryStore } from "@/lib/store/index";
import { LeaderLease, StateFeed, type AlertsChange } from "@/lib/store/replication";
import { DagMirror } from "./replica-dags";

/**
 * Several replicas on one PostgreSQL (contract §11). Every replica serves; the one holding the
 * lease (lib/store/replication.ts says why a lease row) polls Airflow, writes history and runs
 * alerting. Followers poll nothing: they mirror the summaries the leader writes and announces.
 *
 * Timing, with the default 20 s lease: the leader renews every 5 s and steps down on its own once
 * 15 s pass without a confirmed renewal (fencing: it stops polling before the lease can expire and
 * before anyone else may take it), so two replicas never poll at once. A follower tries every
 * second, so takeover after a crash takes at most lease + 1 s (21 s, within max(2 × health, 30) s),
 * and after a SIGTERM (the lease is released and announced) about a second.
 *
 * Followers also mirror the leader's DAG cache (replica-dags.ts): the DAG list, search and an
 * environment's failing DAGs and import errors answer the same on every replica.
 */

export type ReplicaRole = "leader" | "follower";

export interface ReplicaOptions {
  monitor: FleetMonitor;
  store: HistoryStore;
  url: string;
  ttlMs?: number;
  renewMs?: number;
  retryMs?: number;
  /** Becoming the leader: start alerting (the monitor and history are started here). */
  onPromote?: () => unknown;
  /** No longer the leader: stop alerting. */
  onDemote?: () => unknown;
  /** Alerting's records changed (announced by any replica), or the feed (re)connected. */
  onAlerts?: (what: AlertsChange) => void;
  log?: (msg: string) => void;
}

export class Replica {
  private role: ReplicaRole = "follower";
  private readonly lease: LeaderLease;
  private readonly feed: StateFeed;
  readonly dags: DagMirror;
  private timer: NodeJS.Timeout | null = null;
  private watchdog: NodeJS.Timeout | null = null;
  /** performance.now() when the last renewal that succeeded was sent. */
  private lastRenewal = 0;
  private busy = false;
  private stopped = false;
  private term = 0;
  /** The leader's discovered environments as last stored (JSON), and the listener that stores changes. */
  private discoveredKey: string | null = null;
  private unsubscribe: (() => void) | null = null;
  private publishing = false;
  generation: number | null = null;
  readonly ttlMs: number;
  private readonly renewMs: number;
  private readonly retryMs: number;
  private readonly log: (msg: string) => void;

  constructor(private readonly opts: ReplicaOptions) {
    this.ttlMs = opts.ttlMs ?? 20_000;
    this.renewMs = opts.renewMs ?? this.ttlMs / 4;
    this.retryMs = opts.retryMs ?? 1_000;
    this.log = opts.log ?? ((m) => console.log(`flightboard: ${m}`));
    this.lease = new LeaderLease(opts.url);
    this.dags = new DagMirror({ monitor: opts.monitor, url: opts.url, holder: this.lease.holder, log: this.log });
    this.feed = new StateFeed({
      url: opts.url,
      onSummaries: (s) => opts.monitor.mirror(s),
      onDiscovered: (envs) => opts.monitor.mirrorDiscovered(envs),
      onAlerts: (what) => opts.onAlerts?.(what),
      onDags: (ids) => this.dags.load(ids),
      onLeaseReleased: () => this.soon(0),
      reloadMs: 30_000,
      onError: (m) => this.log(m.split("\n")[0].slice(0, 200)),
    });
  }

  /** "leader" once this replica polls (not while it still reads the open incidents after winning the lease). */
  get current(): ReplicaRole {
    return this.role === "leader" && this.opts.monitor.polling ? "leader" : "follower";
  }

  /** Null while this replica hears the database's announcements; otherwise since when it has not. */
  get disconnectedSince(): number | null {
    return this.feed.disconnectedSince;
  }

  get id(): string {
    return this.lease.holder;
  }

  start(): void {
    this.feed.start();
    this.soon(0);
    // Steps down even if a renewal hangs: the deadline is local, well inside the lease.
    this.watchdog = setInterval(() => this.checkDeadline(), 500);
    this.watchdog.unref();
  }

  private soon(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), ms);
    this.timer.unref();
  }

  private checkDeadline(): void {
    if (this.role === "leader" && performance.now() - this.lastRenewal > this.ttlMs * 0.75) this.demote("lease not renewed in time (database unreachable?)");
  }

  private async tick(): Promise<void> {
    if (this.busy || this.stopped) return;
    this.busy = true;
    const sent = performance.now();
    try {
      const r = await this.lease.acquire(this.ttlMs);
      if (this.stopped) return;
      if (r.held) {
        this.lastRenewal = sent;
        this.generation = r.generation;
        if (this.role === "follower") await this.promote();
      } else if (this.role === "leader") {
        this.demote("another replica holds the lease");
      }
    } catch {
      this.checkDeadline();
    } finally {
      this.busy = false;
      this.soon(this.role === "leader" ? this.renewMs : this.retryMs);
    }
  }

  private async promote(): Promise<void> {
    const term = ++this.term;
    this.role = "leader";
    const { monitor, store } = this.opts;
    // Continue the incidents the previous leader left open, rather than opening new ones.
    try {
      await store.recorder.load();
    } catch {
      // The database just answered the lease; if this fails, incidents start afresh — still correct data.
    }
    if (this.role !== "leader" || term !== this.term || this.stopped) return;
    this.log(`replica ${this.id.slice(0, 8)}: leader (lease generation ${this.generation})`);
    monitor.start();
    store.start();
    this.dags.lead();
    this.discoveredKey = null;
    this.unsubscribe = monitor.subscribe(() => void this.publishDiscovered());
    try {
      await this.opts.onPromote?.();
    } catch (e) {
      this.log(`replica: could not start alerting: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private demote(why: string): void {
    if (this.role !== "leader") return;
    this.term++;
    this.role = "follower";
    // Fencing: polling stops (in-flight polls are aborted and dropped) before anything else.
    this.opts.monitor.pause();
    this.dags.follow();
    this.opts.store.stopMaintenance();
    this.unsubscribe?.();
    this.unsubscribe = null;
    try {
      this.opts.onDemote?.();
    } catch {
      // Alerting's stop does not throw; nothing to add.
    }
    this.log(`replica ${this.id.slice(0, 8)}: follower (${why})`);
  }

  /** Tells every replica that alerting's records changed (best effort; followers also reload periodically). */
  announceAlerts(what: AlertsChange): void {
    if (!this.stopped) void this.lease.announceAlerts(what).catch(() => {});
  }

  /**
   * Followers list the environments the leader's discovery found (contract §11): stored when the
   * set changes, never on the polling path, and only while this replica holds the lease.
   */
  private async publishDiscovered(): Promise<void> {
    if (this.publishing || this.role !== "leader") return;
    const envs = this.opts.monitor
      .environments()
      .filter((env) => env.config.discovered)
      .map((env) => env.config);
    const key = JSON.stringify(envs);
    if (key === this.discoveredKey) return;
    this.publishing = true;
    try {
      if (await this.lease.publishDiscovered(envs)) this.discoveredKey = key;
    } catch (e) {
      this.log(`replica: could not store discovered environments: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`);
    } finally {
      this.publishing = false;
    }
  }

  /**
   * Shutdown: stop polling, write what is queued, then give the lease up and announce it, so a
   * follower takes over within about a second and continues from the last written state.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    const wasLeader = this.role === "leader";
    this.demote("shutting down");
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.watchdog) clearInterval(this.watchdog);
    if (wasLeader) {
      await Promise.race([this.opts.store.writer.flush(true).catch(() => {}), new Promise((r) => setTimeout(r, 2_000).unref())]);
      await this.lease.release().catch(() => {});
    }
    await this.feed.close();
    await this.dags.close();
    await this.lease.close();
  }
}
