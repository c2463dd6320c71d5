import type { EnvironmentSelector } from "@/lib/config/alerts";
import type { Notification, NotificationType } from "./notification";

/**
 * What alerting remembers (contract §8): alerts, deliveries with every attempt, and silences.
 * Times are epoch milliseconds. The engine keeps these in memory and writes them through an
 * `AlertStore`, so a restart neither re-sends nor forgets.
 */

/** What an alert is about: shared by a condition the rules find now and the alert it opens. */
export interface AlertSubject {
  rule: string;
  environmentId: string;
  dagId: string | null;
  /** The environment's status, or the expectation's finding (`missed`, `too long`, `not fresh`, `schedule missed`). */
  status: string;
  reasons: string[];
  channels: string[];
  repeatMinutes: number;
}

export interface AlertRecord extends AlertSubject {
  /** Stable for the alert's whole life; the dedup key everywhere. */
  id: string;
  state: "firing" | "resolved";
  startedAt: number;
  endedAt: number | null;
  /** When the firing notification was queued; null while muted (or if it never was). */
  notifiedAt: number | null;
  /** When the resolution was queued; null when not (yet) sent. */
  resolvedNotifiedAt: number | null;
  lastReminderAt: number | null;
}

export interface DeliveryRecord {
  /** Stable across retries: Standard Webhooks `webhook-id`, the mail's Message-ID. */
  id: string;
  alertId: string | null;
  channel: string;
  type: NotificationType;
  notification: Notification;
  createdAt: number;
  state: "pending" | "sent" | "failed";
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
}

export interface AttemptRecord {
  deliveryId: string;
  alertId: string | null;
  channel: string;
  type: NotificationType;
  at: number;
  ok: boolean;
  httpStatus: number | null;
  /** Plain words, never a secret. */
  error: string | null;
}

export interface SilenceRecord {
  id: string;
  environments?: EnvironmentSelector;
  dags?: { include?: string[]; exclude?: string[] };
  until: number;
  comment: string;
  createdBy: string | null;
  createdAt: number;
}

export interface StoredAlerts {
  /** Firing alerts, alerts whose resolution is not sent yet, and recent resolved ones. */
  alerts: AlertRecord[];
  /** Attempts of those alerts (and recent tests), oldest first. */
  attempts: AttemptRecord[];
  /** Deliveries still to send. */
  pending: DeliveryRecord[];
  /** Silences not yet expired. */
  silences: SilenceRecord[];
}

/** Durable home of the records. Every method may reject; the engine logs and carries on. */
export interface AlertStore {
  load(now: number, recentLimit: number): Promise<StoredAlerts>;
  /** Atomically: the alerts as they are now and the deliveries decided with them. */
  commit(alerts: AlertRecord[], deliveries: DeliveryRecord[]): Promise<void>;
  recordAttempt(delivery: DeliveryRecord, attempt: AttemptRecord): Promise<void>;
  saveSilence(s: SilenceRecord): Promise<void>;
  deleteSilence(id: string): Promise<boolean>;
}

/**
 * The store for runs without storage (tests, hand-built configurations): real behaviour, no
 * durability. Records are copied so callers cannot change what was "written".
 */
export class MemoryAlertStore implements AlertStore {
  readonly alerts = new Map<string, AlertRecord>();
  readonly deliveries = new Map<string, DeliveryRecord>();
  readonly attempts: AttemptRecord[] = [];
  readonly silences = new Map<string, SilenceRecord>();

  async load(now: number, recentLimit: number): Promise<StoredAlerts> {
    const all = [...this.alerts.values()].map((a) => structuredClone(a));
    const keep = all.filter((a) => a.state === "firing" || (a.notifiedAt !== null && a.resolvedNotifiedAt === null));
    const recent = all
      .filter((a) => !keep.includes(a))
      .sort((a, b) => (b.endedAt ?? 0) - (a.endedAt ?? 0))
      .slice(0, recentLimit);
    const ids = new Set([...keep, ...recent].map((a) => a.id));
    return {
      alerts: [...keep, ...recent],
      attempts: this.attempts.filter((x) => x.alertId === null || ids.has(x.alertId)).map((x) => ({ ...x })),
      pending: [...this.deliveries.values()].filter((d) => d.state === "pending").map((d) => structuredClone(d)),
      silences: [...this.silences.values()].filter((s) => s.until > now).map((s) => structuredClone(s)),
    };
  }

  async commit(alerts: AlertRecord[], deliveries: DeliveryRecord[]): Promise<void> {
    for (const a of alerts) this.alerts.set(a.id, structuredClone(a));
    for (const d of deliveries) this.deliveries.set(d.id, structuredClone(d));
  }

  async recordAttempt(delivery: DeliveryRecord, attempt: AttemptRecord): Promise<void> {
    this.deliveries.set(delivery.id, structuredClone(delivery));
    this.attempts.push({ ...attempt });
  }

  async saveSilence(s: SilenceRecord): Promise<void> {
    this.silences.set(s.id, structuredClone(s));
  }

  async deleteSilence(id: string): Promise<boolean> {
    return this.silences.delete(id);
  }
}
