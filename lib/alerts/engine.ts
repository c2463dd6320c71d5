import { randomUUID } from "node:crypto";
import type { AlertsConfig } from "@/lib/config/alerts";
import { iso, systemClock, type Clock } from "@/lib/monitor/clock";
import { dagUrl } from "@/lib/monitor/urls";
import { channelTakes, sendToChannel } from "./channels";
import { evaluate } from "./evaluate";
import { restoreState, step, type LifecycleState } from "./lifecycle";
import { isMuted } from "./mute";
import type { Notification, NotificationType } from "./notification";
import { Outbox } from "./outbox";
import type { AlertRecord, AlertStore, AttemptRecord, DeliveryRecord, SilenceRecord, StoredAlerts } from "./records";
import type { EnvView } from "./view";

/**
 * Alerting for one process: evaluates the snapshot every `tickMs` (and when asked), runs the life
 * cycle, writes alerts and their deliveries through the store in one commit, and hands deliveries
 * to the outbox. Nothing here runs on a request's path: readers get in-memory copies.
 */

export interface AlertEngineOptions {
  config: AlertsConfig;
  store: AlertStore;
  /** The current snapshot, as views. */
  environments: () => EnvView[];
  clock?: Clock;
  tickMs?: number;
  /** Resolved alerts kept in memory for /api/v1/alerts. */
  recentLimit?: number;
  log?: (msg: string) => void;
}

export class AlertEngine {
  private state: LifecycleState = restoreState([]);
  /** Every alert known in memory (open and recent), by id. */
  private readonly alerts = new Map<string, AlertRecord>();
  private readonly attempts = new Map<string, AttemptRecord[]>();
  private readonly silences = new Map<string, SilenceRecord>();
  private readonly outbox: Outbox;
  private readonly clock: Clock;
  private readonly log: (msg: string) => void;
  private timer: unknown = null;
  private chain: Promise<void> = Promise.resolve();
  private started = false;
  private stopped = false;
  /** A follower replica's read-only copy (see `mirror`): it never evaluates nor sends. */
  private mirrored = false;
  private views = new Map<string, EnvView>();

  constructor(private readonly opts: AlertEngineOptions) {
    this.clock = opts.clock ?? systemClock;
    this.log = opts.log ?? ((m) => console.warn(`flightboard: ${m}`));
    this.outbox = new Outbox({
      channels: opts.config.channels,
      clock: this.clock,
      log: this.log,
      record: async (d, a) => {
        this.remember(a);
        await this.opts.store.recordAttempt(d, a);
      },
    });
  }

  get config(): AlertsConfig {
    return this.opts.config;
  }

  /** Loads what the store remembers, re-queues unsent deliveries, and starts evaluating. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const now = this.clock.now();
    const stored = await this.opts.store.load(now, this.opts.recentLimit ?? 500);
    for (const a of stored.alerts) this.alerts.set(a.id, a);
    for (const a of stored.attempts) this.remember(a);
    for (const s of stored.silences) this.silences.set(s.id, s);
    this.state = restoreState(stored.alerts);
    this.outbox.enqueue(stored.pending);
    this.schedule();
  }

  /**
   * A follower replica (contract §11): replaces what this engine remembers with what the leader
   * stored, so every replica answers the same reads. Such an engine is never started.
   */
  mirror(stored: Omit<StoredAlerts, "pending">): void {
    if (this.started) return;
    this.mirrored = true;
    this.alerts.clear();
    this.attempts.clear();
    this.silences.clear();
    for (const a of stored.alerts) this.alerts.set(a.id, a);
    for (const a of stored.attempts) this.remember(a);
    this.replaceSilences(stored.silences);
    this.state = restoreState(stored.alerts);
    this.views = new Map(this.opts.environments().map((e) => [e.id, e]));
  }

  /** Silences as stored, e.g. added on another replica (contract §11); held notifications go out if one was lifted. */
  replaceSilences(list: SilenceRecord[]): void {
    this.silences.clear();
    for (const s of list) this.silences.set(s.id, s);
    if (this.started) void this.evaluateNow();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.outbox.stop();
  }

  /** Evaluates now (after the running evaluation, never alongside it). */
  evaluateNow(): Promise<void> {
    this.chain = this.chain.then(() => this.runStep()).catch((e) => this.log(`alert evaluation failed: ${e instanceof Error ? e.message : String(e)}`));
    return this.chain;
  }

  /** Waits for the evaluation in progress and for every send in flight (tests, shutdown). */
  async settle(): Promise<void> {
    await this.chain;
    await this.outbox.settle();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.clock.setTimeout(() => {
      void this.evaluateNow().finally(() => this.schedule());
    }, this.opts.tickMs ?? 2_000);
  }

  private async runStep(): Promise<void> {
    if (this.stopped || this.mirrored) return;
    const now = this.clock.now();
    const envs = this.opts.environments();
    this.views = new Map(envs.map((e) => [e.id, e]));
    const ev = evaluate(this.opts.config, envs, now);
    const r = step(this.state, ev, now, (a) => this.muted(a, now), () => `al_${randomUUID().replace(/-/g, "")}`);
    if (r.changed.length === 0) return;
    for (const a of r.changed) this.alerts.set(a.id, a);
    const deliveries = r.notify.flatMap(({ alert, type }) => this.deliveriesFor(alert, type, now));
    try {
      await this.opts.store.commit(r.changed.map((a) => ({ ...a })), deliveries);
    } catch (e) {
      // Sending twice after a crash beats never sending: deliver even if the write failed.
      this.log(`could not store alerts: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.outbox.enqueue(deliveries);
    this.trimRecent();
  }

  private muted(a: { environmentId: string; dagId: string | null }, now: number): boolean {
    return isMuted(a, (id) => this.views.get(id)?.tags ?? {}, this.opts.config.maintenance, this.silences.values(), now);
  }

  private deliveriesFor(alert: AlertRecord, type: NotificationType, now: number): DeliveryRecord[] {
    const notification = this.notification(alert, type, now);
    return alert.channels
      .map((name) => this.opts.config.channels.find((c) => c.name === name))
      .filter((c) => c !== undefined && channelTakes(c, type))
      .map((c) => ({
        id: `msg_${randomUUID().replace(/-/g, "")}`,
        alertId: alert.id,
        channel: c!.name,
        type,
        notification,
        createdAt: now,
        state: "pending" as const,
        attempts: 0,
        nextAttemptAt: now,
        lastError: null,
      }));
  }

  private notification(a: AlertRecord, type: NotificationType, now: number): Notification {
    const env = this.views.get(a.environmentId);
    const base = this.opts.config.publicUrl;
    const envPath = `${base}/environments/${encodeURIComponent(a.environmentId)}`;
    return {
      type,
      timestamp: iso(now),
      data: {
        alertId: a.id,
        rule: a.rule,
        environment: { id: a.environmentId, name: env?.name ?? a.environmentId, tags: env?.tags ?? {} },
        status: a.status,
        dagId: a.dagId,
        reasons: a.reasons,
        startedAt: iso(a.startedAt),
        endedAt: a.endedAt === null ? null : iso(a.endedAt),
        url: a.dagId ? `${envPath}/dags/${encodeURIComponent(a.dagId)}` : envPath,
        airflowUrl: a.dagId ? dagUrl(env?.uiUrl ?? null, env?.apiVersion ?? null, a.dagId) : (env?.uiUrl ?? null),
      },
    };
  }

  private remember(a: AttemptRecord): void {
    const key = a.alertId ?? "";
    const list = this.attempts.get(key) ?? [];
    list.push(a);
    if (list.length > 200) list.shift();
    this.attempts.set(key, list);
  }

  private trimRecent(): void {
    const limit = this.opts.recentLimit ?? 500;
    const resolved = [...this.alerts.values()].filter((a) => a.state === "resolved" && !this.state.unsentResolutions.has(a.id));
    if (resolved.length <= limit) return;
    resolved.sort((a, b) => (a.endedAt ?? 0) - (b.endedAt ?? 0));
    for (const a of resolved.slice(0, resolved.length - limit)) {
      this.alerts.delete(a.id);
      this.attempts.delete(a.id);
    }
  }

  // ---- reads (in memory, never waiting on sends or storage) ----

  /** Alerts newest first, firing ones first. */
  list(q: { state?: "firing" | "resolved"; environmentId?: string } = {}): { alert: AlertRecord; attempts: AttemptRecord[] }[] {
    return [...this.alerts.values()]
      .filter((a) => (!q.state || a.state === q.state) && (!q.environmentId || a.environmentId === q.environmentId))
      .sort((a, b) => (a.state === b.state ? b.startedAt - a.startedAt : a.state === "firing" ? -1 : 1))
      .map((alert) => ({ alert: { ...alert }, attempts: [...(this.attempts.get(alert.id) ?? [])] }));
  }

  /** Firing alerts per environment id (board header and tiles). */
  firingByEnvironment(): Map<string, number> {
    const out = new Map<string, number>();
    for (const a of this.state.open.values()) out.set(a.environmentId, (out.get(a.environmentId) ?? 0) + 1);
    return out;
  }

  isMutedNow(a: { environmentId: string; dagId: string | null }): boolean {
    return this.muted(a, this.clock.now());
  }

  activeSilences(): SilenceRecord[] {
    const now = this.clock.now();
    return [...this.silences.values()].filter((s) => s.until > now).sort((a, b) => a.until - b.until);
  }

  async addSilence(s: Omit<SilenceRecord, "id" | "createdAt">): Promise<SilenceRecord> {
    const rec: SilenceRecord = { ...s, id: `sil_${randomUUID().replace(/-/g, "")}`, createdAt: this.clock.now() };
    await this.opts.store.saveSilence(rec);
    this.silences.set(rec.id, rec);
    return rec;
  }

  async removeSilence(id: string): Promise<boolean> {
    const had = this.silences.delete(id);
    const stored = await this.opts.store.deleteSilence(id);
    // A lifted silence lets held notifications out at once.
    void this.evaluateNow();
    return had || stored;
  }

  /** Sends a `test` notification to one channel now; resolves with the first attempt's outcome. */
  async sendTest(channelName: string): Promise<AttemptRecord> {
    const channel = this.opts.config.channels.find((c) => c.name === channelName);
    if (!channel) throw new Error(`unknown channel "${channelName}"`);
    const now = this.clock.now();
    const id = `msg_${randomUUID().replace(/-/g, "")}`;
    const fake: AlertRecord = {
      id: `test_${id.slice(4)}`,
      rule: "test",
      environmentId: "flightboard",
      dagId: null,
      status: "test",
      reasons: ["a test notification sent by an administrator"],
      channels: [channelName],
      repeatMinutes: 0,
      state: "firing",
      startedAt: now,
      endedAt: null,
      notifiedAt: now,
      resolvedNotifiedAt: null,
      lastReminderAt: null,
    };
    const n = this.notification(fake, "test", now);
    n.data.environment = { id: "flightboard", name: "Flightboard", tags: {} };
    const d: DeliveryRecord = { id, alertId: null, channel: channelName, type: "test", notification: n, createdAt: now, state: "pending", attempts: 0, nextAttemptAt: now, lastError: null };
    const r = await sendToChannel(channel, n, id, new Date());
    d.attempts = 1;
    d.state = r.ok ? "sent" : "failed";
    d.lastError = r.error;
    const attempt: AttemptRecord = { deliveryId: id, alertId: null, channel: channelName, type: "test", at: now, ok: r.ok, httpStatus: r.httpStatus, error: r.error };
    this.remember(attempt);
    await this.opts.store.recordAttempt(d, attempt).catch(() => undefined);
    return attempt;
  }
}
