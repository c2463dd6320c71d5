import type { ChannelConfig } from "@/lib/config/alerts";
import type { Clock } from "@/lib/monitor/clock";
import { sendToChannel, type SendResult } from "./channels";
import type { AttemptRecord, DeliveryRecord } from "./records";

/**
 * Sends queued deliveries off the hot path: one at a time per channel (so a PagerDuty `resolve`
 * never overtakes its `trigger`), at most one message per `minIntervalMs` per channel, retried with
 * exponential backoff for at least an hour, and every attempt recorded.
 */

export const RETRY_FOR_MS = 75 * 60_000;
const FIRST_RETRY_MS = 5_000;
const MAX_RETRY_MS = 10 * 60_000;

/** Per-channel pacing: Slack asks for about one message per second per webhook. */
export function minIntervalMs(c: ChannelConfig): number {
  switch (c.type) {
    case "slack":
      return 1_100;
    case "pagerduty":
      return 500;
    case "email":
      return 1_000;
    case "webhook":
      return 100;
  }
}

export function backoffMs(attempts: number): number {
  return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1));
}

export interface OutboxOptions {
  channels: readonly ChannelConfig[];
  clock: Clock;
  /** Writes the attempt (and the delivery's new state) through; may reject. */
  record: (d: DeliveryRecord, a: AttemptRecord) => Promise<void>;
  log: (msg: string) => void;
}

export class Outbox {
  private readonly queue: DeliveryRecord[] = [];
  private readonly busy = new Set<string>();
  private readonly lastSent = new Map<string, number>();
  private readonly channels: Map<string, ChannelConfig>;
  private readonly inFlight = new Set<Promise<void>>();
  private timer: unknown = null;
  private stopped = false;

  constructor(private readonly opts: OutboxOptions) {
    this.channels = new Map(opts.channels.map((c) => [c.name, c]));
  }

  /** Queues deliveries (already written to the store) and tries to send what is due. */
  enqueue(ds: readonly DeliveryRecord[]): void {
    this.queue.push(...ds);
    this.queue.sort((a, b) => a.createdAt - b.createdAt);
    this.pump();
  }

  pendingCount(): number {
    return this.queue.length;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.opts.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  /** Resolves once nothing is being sent (tests and shutdown). */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Starts every due delivery whose channel is free and paced; re-arms itself for the next one. */
  pump(): void {
    if (this.stopped) return;
    const now = this.opts.clock.now();
    let wake = Infinity;
    const blocked = new Set<string>();
    for (const d of this.queue) {
      // Order per channel and alert: nothing overtakes an earlier delivery of the same alert.
      const lane = `${d.channel}\u0000${d.alertId ?? d.id}`;
      if (blocked.has(lane) || this.busy.has(d.channel)) {
        blocked.add(lane);
        continue;
      }
      blocked.add(lane);
      const paced = (this.lastSent.get(d.channel) ?? -Infinity) + minIntervalMs(this.channels.get(d.channel) ?? ({ type: "webhook" } as ChannelConfig));
      const due = Math.max(d.nextAttemptAt, paced);
      if (due > now) {
        wake = Math.min(wake, due);
        continue;
      }
      this.busy.add(d.channel);
      this.lastSent.set(d.channel, now);
      const work = this.attempt(d).finally(() => {
        this.busy.delete(d.channel);
        this.inFlight.delete(work);
        this.pump();
      });
      this.inFlight.add(work);
    }
    if (this.timer !== null) this.opts.clock.clearTimeout(this.timer);
    this.timer = wake === Infinity ? null : this.opts.clock.setTimeout(() => {
      this.timer = null;
      this.pump();
    }, wake - now);
  }

  private async attempt(d: DeliveryRecord): Promise<void> {
    const channel = this.channels.get(d.channel);
    const at = this.opts.clock.now();
    const r: SendResult = channel
      ? // The signature timestamp is compared with the receiver's wall clock, whatever drives our schedule.
        await sendToChannel(channel, d.notification, d.id, new Date())
      : { ok: false, httpStatus: null, error: `channel "${d.channel}" is no longer configured` };
    d.attempts++;
    d.lastError = r.error;
    const finishedAt = this.opts.clock.now();
    if (r.ok) d.state = "sent";
    else if (!channel || finishedAt - d.createdAt >= RETRY_FOR_MS) d.state = "failed";
    else d.nextAttemptAt = finishedAt + Math.max(backoffMs(d.attempts), r.retryAfterMs ?? 0);
    if (d.state !== "pending") this.queue.splice(this.queue.indexOf(d), 1);
    if (!r.ok) this.opts.log(`alert delivery ${d.id} (${d.type}) to ${d.channel} failed (attempt ${d.attempts}): ${r.error}${d.state === "failed" ? "; giving up" : ""}`);
    const attempt: AttemptRecord = { deliveryId: d.id, alertId: d.alertId, channel: d.channel, type: d.type, at, ok: r.ok, httpStatus: r.httpStatus, error: r.error };
    try {
      await this.opts.record(d, attempt);
    } catch (e) {
      this.opts.log(`alert delivery ${d.id}: could not record the attempt: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}
