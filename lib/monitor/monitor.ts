import { targetIdentity } from "@/lib/airflow/registry";
import { DEFAULT_MAX_BYTES, type CallLimits } from "@/lib/airflow/transport";
import type { Connector, Dag, DagRun } from "@/lib/airflow/types";
import type { EnvironmentConfig, FlightboardConfig } from "@/lib/config/types";
import { systemClock, type Clock } from "./clock";
import type { EnvironmentSummary, Uptime } from "./dto";
import { Limiter } from "./limiter";
import { phaseOf, statusReason, type MonitorOptions } from "./monitor-types";
import { newEntry, type Cadence, type Entry } from "./entry";
import type { EnvironmentSnapshot, MirroredDags } from "./snapshot";

export * from "./monitor-types";

export type { Cadence };


/**
 * The fleet monitor: polls every environment on the three cadences of contract §2 through its
 * connector, publishes an immutable snapshot per environment after each change (`environments`)
 * and tells subscribers when any summary changed. Readers never cause an upstream call, except
 * `dagRuns` (short cache, single-flight).
 */
export class FleetMonitor {
  readonly config: FlightboardConfig;
  private readonly clock: Clock;
  private readonly global: Limiter;
  private readonly globalReads: Limiter;
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<() => void>();
  private notifyTimer: unknown = null;
  private discoveryTimer: unknown = null;
  private started = false;
  private stopped = false;
  /** A follower replica (contract §11): no polling, summaries come from the leader through `mirror`. */
  private paused = false;
  private version = 0;
  /** Every environment's snapshot, in order; rebuilt on the first read after a publish. */
  private fleetView: EnvironmentSnapshot[] | null = null;
  private readonly limits: CallLimits;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly opts: MonitorOptions) {
    this.config = opts.config;
    this.clock = opts.clock ?? systemClock;
    this.global = new Limiter(opts.globalConcurrency ?? 48);
    this.globalReads = new Limiter(opts.globalReadConcurrency ?? 16);
    this.limits = { timeoutMs: opts.config.timeoutSeconds * 1000, maxBytes: opts.maxResponseBytes ?? DEFAULT_MAX_BYTES };
    for (const env of opts.config.environments) this.add(env);
  }

  /** Starts polling. Idempotent. */
  start(): void {
    if ((this.started && !this.paused) || this.stopped) return;
    this.started = true;
    this.paused = false;
    for (const e of this.entries.values()) {
      if (e.abort.signal.aborted) e.abort = new AbortController();
      this.startEntry(e);
    }
    if (this.opts.discoverers?.length) this.runDiscovery();
  }

  /**
   * Stops polling but keeps serving (a replica that lost the lead): polls in flight are aborted and
   * their results dropped, so nothing is written after this returns. `start` resumes.
   */
  pause(): void {
    if (this.stopped) return;
    this.paused = true;
    for (const e of this.entries.values()) {
      e.abort.abort();
      for (const t of Object.values(e.timers)) if (t !== undefined) this.clock.clearTimeout(t);
      e.timers = {};
    }
    if (this.discoveryTimer !== null) this.clock.clearTimeout(this.discoveryTimer);
    this.discoveryTimer = null;
  }

  get polling(): boolean {
    return this.started && !this.paused && !this.stopped;
  }

  /** A follower takes the leader's summaries as they are (ignored while this monitor polls). */
  mirror(summaries: EnvironmentSummary[]): void {
    if (this.polling) return;
    let changed = false;
    for (const s of summaries) {
      const e = this.entries.get(s.id);
      if (e?.rt.mirror(s)) {
        this.publish(e);
        changed = true;
      }
    }
    if (changed) this.changed();
  }

  /** A follower takes the leader's discovered environments as they are, without polling them (ignored while this monitor polls). */
  mirrorDiscovered(envs: EnvironmentConfig[]): void {
    if (this.polling) return;
    this.reconcile(new Map(envs.map((e) => [e.id, e])));
  }

  /** A follower takes the leader's DAG cache of one environment (ignored while this monitor polls). */
  mirrorDags(id: string, m: MirroredDags): EnvironmentSnapshot | undefined {
    const e = this.entries.get(id);
    if (!e || this.polling) return undefined;
    e.rt.mirrorDags(m);
    this.publish(e);
    return e.view;
  }

  stop(): void {
    this.stopped = true;
    for (const e of this.entries.values()) this.stopEntry(e);
    if (this.notifyTimer !== null) this.clock.clearTimeout(this.notifyTimer);
    if (this.discoveryTimer !== null) this.clock.clearTimeout(this.discoveryTimer);
    this.listeners.clear();
  }

  /** Monotonic counter bumped whenever any summary changed. */
  get changeVersion(): number {
    return this.version;
  }

  /** Every environment as readers see it (the same array until something changes). */
  environments(): readonly EnvironmentSnapshot[] {
    const now = this.clock.now();
    for (const e of this.entries.values()) this.current(e, now);
    this.fleetView ??= [...this.entries.values()].map((e) => e.view);
    return this.fleetView;
  }

  environment(id: string): EnvironmentSnapshot | undefined {
    const e = this.entries.get(id);
    return e ? this.current(e, this.clock.now()).view : undefined;
  }

  /** The environment's connector, for actions (writes go to Airflow, never through the snapshot). */
  connector(id: string): Connector | undefined {
    return this.entries.get(id)?.rt.connector;
  }

  /** Airflow answered a write with the DAG as it is now: the DAG list shows it at once. */
  noteDag(id: string, dag: Dag): EnvironmentSnapshot | undefined {
    const e = this.entries.get(id);
    if (!e) return undefined;
    if (e.rt.noteDag(dag)) this.publish(e);
    return e.view;
  }

  /** Recomputes one environment's summary now, as the stale timer does (a freeze or thaw changed what it shows). */
  refresh(id: string): void {
    const e = this.entries.get(id);
    if (e) this.afterPoll(e, "stale");
  }

  /** Makes the runtime's current state what readers see. */
  private publish(e: Entry): void {
    e.view = e.rt.snapshot();
    this.fleetView = null;
  }

  /**
   * `stale` is a matter of the clock, not of a poll finishing: a poll stuck for minutes must not
   * leave the environment looking fresh. The stale timer normally does this on time; this covers a
   * timer that fires late (a busy event loop) for whoever reads first.
   */
  private current(e: Entry, now: number): Entry {
    const due = e.rt.staleAt;
    if (due !== null && now >= due && !e.rt.current.stale && !this.paused) this.afterPoll(e, "stale");
    return e;
  }

  now(): number {
    return this.clock.now();
  }

  /** Subscribes to summary changes (coalesced to at most one call per second). Returns unsubscribe. */
  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /**
   * One DAG's recent runs, newest first: a short per-environment cache, one upstream read per DAG
   * whatever the `limit`, a bounded queue (`ReadsBusy` when full) apart from polling, and `signal`
   * to cancel when the requester goes away (see DagRunReads).
   */
  async dagRuns(id: string, dagId: string, limit: number, signal?: AbortSignal): Promise<DagRun[]> {
    const e = this.entries.get(id);
    if (!e) throw new Error(`unknown environment ${id}`);
    return e.reads.get(dagId, limit, signal);
  }

  private add(env: EnvironmentConfig): Entry {
    const entry = newEntry(env, this.opts, this.limits, () => this.clock.now(), this.globalReads);
    this.entries.set(env.id, entry);
    return entry;
  }

  private startEntry(e: Entry): void {
    // Health first; the DAG list and runs follow right after so a fresh board fills in quickly.
    this.schedule(e, "health", 0);
    this.schedule(e, "dags", 0);
    this.schedule(e, "runs", 0);
  }

  private stopEntry(e: Entry): void {
    e.abort.abort();
    e.life.abort();
    for (const t of Object.values(e.timers)) if (t !== undefined) this.clock.clearTimeout(t);
    e.rt.connector.close?.();
  }

  private intervalMs(c: Cadence): number {
    return this.config.refresh[c] * 1000;
  }

  private schedule(e: Entry, c: Cadence, delay: number): void {
    if (this.stopped || e.abort.signal.aborted) return;
    e.timers[c] = this.clock.setTimeout(() => void this.tick(e, c), delay);
  }

  /** Resolves once no poll is in flight (tests drive the clock, then wait for real I/O to settle). */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async tick(e: Entry, c: Cadence): Promise<void> {
    const startedAt = this.clock.now();
    const signal = e.abort.signal;
    if (!e.running.has(c)) {
      e.running.add(c);
      const work = (async () => {
        const t0 = performance.now();
        try {
          await this.poll(e, c);
        } catch (err) {
          this.opts.onInternalError?.(err);
        } finally {
          e.running.delete(c);
        }
        // A poll cut short by stop() (shutdown) says nothing about the environment: keep the last summary.
        if (this.stopped) return;
        this.afterPoll(e, c);
        const error = e.rt.errorOf(c);
        this.opts.onPollDone?.({ environment: e.rt.config.id, cadence: c, seconds: (performance.now() - t0) / 1000, outcome: error?.code ?? "ok" });
      })();
      this.inFlight.add(work);
      await work;
      this.inFlight.delete(work);
    }
    // Paused (or dropped) meanwhile: polling resumes with fresh timers, not this one's.
    if (signal.aborted) return;
    // Fixed rate: the next poll is due one interval after this one started. After the first poll
    // each environment shifts by its own phase, so hundreds of environments do not all poll (and
    // parse) in the same instant every interval.
    const elapsed = this.clock.now() - startedAt;
    const phase = e.phased.has(c) || this.opts.stagger === false ? 0 : phaseOf(e.rt.config.id, c, this.intervalMs(c));
    e.phased.add(c);
    this.schedule(e, c, Math.max(0, this.intervalMs(c) - elapsed) + phase);
  }

  private poll(e: Entry, c: Cadence): Promise<void> {
    const rt = e.rt;
    switch (c) {
      case "health":
        return this.call(e.healthLane, e, (signal) => rt.pollHealth(() => this.clock.now(), signal));
      case "dags":
        return this.call(e.limiter, e, (signal) => rt.pollDags(signal, () => this.clock.now()));
      case "runs":
        return this.call(e.limiter, e, (signal) => rt.pollRuns(this.clock.now(), signal));
    }
  }

  /** Runs one poll under its per-environment lane and the global cap. */
  private call<T>(lane: Limiter, e: Entry, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return lane.run(() => this.global.run(() => fn(e.abort.signal)));
  }

  /** Sets each environment's uptime (history computes it in the background). */
  setUptime(uptimes: Map<string, Uptime>): void {
    const none: Uptime = { "24h": null, "7d": null, "30d": null };
    let changed = false;
    for (const e of this.entries.values()) {
      if (e.rt.setUptime(uptimes.get(e.rt.config.id) ?? none)) {
        this.publish(e);
        changed = true;
      }
    }
    if (changed) this.changed();
  }

  /** After a poll, or when the clock made the summary stale (`stale`: no poll, no new data). */
  private afterPoll(e: Entry, c: Cadence | "stale"): void {
    // A poll cut short by stop() (shutdown, or an environment discovery dropped) says nothing
    // about the environment: it must not become its status, nor an incident in history.
    if (this.stopped || this.paused || e.abort.signal.aborted) return;
    const from = e.view.summary.status;
    const changed = e.rt.refreshSummary(this.clock.now(), this.intervalMs("health"));
    // Published after every poll, not only when the summary changed: the DAG list or runs may have.
    this.publish(e);
    this.scheduleStale(e);
    if (this.opts.onPoll) {
      try {
        this.opts.onPoll({ env: e.view, cadence: c, at: this.clock.now(), finishedRuns: e.rt.drainFinished() });
      } catch (err) {
        this.opts.onInternalError?.(err);
      }
    } else {
      e.rt.drainFinished();
    }
    if (!changed) return;
    const s = e.view.summary;
    if (s.status !== from && this.opts.onStatusChange) {
      try {
        this.opts.onStatusChange({ id: s.id, from, to: s.status, reason: statusReason(s) });
      } catch (err) {
        this.opts.onInternalError?.(err);
      }
    }
    this.changed();
  }

  /** Recomputes the summary when it turns stale, so event-stream clients hear of it on time. */
  private scheduleStale(e: Entry): void {
    if (e.timers.stale !== undefined) this.clock.clearTimeout(e.timers.stale);
    e.timers.stale = undefined;
    const due = e.rt.staleAt;
    if (due === null || e.rt.current.stale || this.stopped || e.abort.signal.aborted) return;
    e.timers.stale = this.clock.setTimeout(() => {
      e.timers.stale = undefined;
      this.afterPoll(e, "stale");
    }, Math.max(0, due - this.clock.now()));
  }

  private changed(): void {
    this.version++;
    if (this.notifyTimer !== null || this.stopped) return;
    this.notifyTimer = this.clock.setTimeout(() => {
      this.notifyTimer = null;
      for (const fn of this.listeners) {
        try {
          fn();
        } catch (err) {
          this.opts.onInternalError?.(err);
        }
      }
    }, 1000);
  }

  private runDiscovery(): void {
    const controller = new AbortController();
    const run = async () => {
      const found = new Map<string, EnvironmentConfig>();
      for (const d of this.opts.discoverers ?? []) {
        try {
          for (const env of await d(controller.signal)) found.set(env.id, env);
        } catch (err) {
          // A failing discovery keeps the environments it found before.
          this.opts.onInternalError?.(err);
          return;
        }
      }
      this.reconcile(found);
    };
    void run().finally(() => {
      if (!this.stopped && !this.paused) this.discoveryTimer = this.clock.setTimeout(() => this.runDiscovery(), this.intervalMs("dags"));
    });
  }

  /** Adds newly discovered environments and drops discovered ones that are gone. Explicit ones win. */
  private reconcile(found: Map<string, EnvironmentConfig>): void {
    const explicitTargets = new Set(this.config.environments.map((e) => targetIdentity(e.target)));
    let changed = false;
    for (const [id, env] of found) {
      if (this.entries.has(id) || explicitTargets.has(targetIdentity(env.target))) continue;
      const e = this.add(env);
      // A discovery that ends after pause() (a replica that just lost the lead) adds, but never polls.
      if (this.polling) this.startEntry(e);
      this.fleetView = null;
      changed = true;
    }
    for (const [id, e] of this.entries) {
      if (e.rt.config.discovered && !found.has(id)) {
        this.stopEntry(e);
        this.entries.delete(id);
        this.fleetView = null;
        changed = true;
      }
    }
    if (changed) this.changed();
  }
}
