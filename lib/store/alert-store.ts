import type { Kysely, Selectable } from "kysely";
import type { AlertRecord, AlertStore, AttemptRecord, DeliveryRecord, SilenceRecord, StoredAlerts } from "@/lib/alerts/records";
import type { AlertAttemptTable, AlertDeliveryTable, AlertTable, SilenceTable, StoreTables } from "./schema";

/**
 * Alerting's records in the history database (migration 002): alerts, deliveries, attempts and
 * silences. Every call goes through the writer's `exclusive` lane, so it never interleaves with a
 * batched flush (SQLite has one writer). An alert and the deliveries decided with it are written
 * in one transaction: after a crash either both exist (the delivery is sent by the next process)
 * or neither (the next process decides again); never a sent firing without its record.
 */

type Exclusive = <T>(fn: (db: Kysely<StoreTables>) => Promise<T>) => Promise<T>;

/** Resolved alerts, their attempts and finished deliveries are kept this long. */
const KEEP_MS = 90 * 24 * 3600_000;

const json = (v: unknown) => JSON.stringify(v);
const parse = <T>(s: string | null): T | undefined => (s === null ? undefined : (JSON.parse(s) as T));

function alertRow(a: AlertRecord): AlertTable {
  return {
    id: a.id,
    rule: a.rule,
    environment_id: a.environmentId,
    dag_id: a.dagId,
    status: a.status,
    reasons_json: json(a.reasons),
    channels_json: json(a.channels),
    repeat_minutes: a.repeatMinutes,
    state: a.state,
    started_at: a.startedAt,
    ended_at: a.endedAt,
    notified_at: a.notifiedAt,
    resolved_notified_at: a.resolvedNotifiedAt,
    last_reminder_at: a.lastReminderAt,
  };
}

function alertOf(r: Selectable<AlertTable>): AlertRecord {
  const n = (v: number | null) => (v === null ? null : Number(v));
  return {
    id: r.id,
    rule: r.rule,
    environmentId: r.environment_id,
    dagId: r.dag_id,
    status: r.status,
    reasons: parse<string[]>(r.reasons_json) ?? [],
    channels: parse<string[]>(r.channels_json) ?? [],
    repeatMinutes: Number(r.repeat_minutes),
    state: r.state === "resolved" ? "resolved" : "firing",
    startedAt: Number(r.started_at),
    endedAt: n(r.ended_at),
    notifiedAt: n(r.notified_at),
    resolvedNotifiedAt: n(r.resolved_notified_at),
    lastReminderAt: n(r.last_reminder_at),
  };
}

function deliveryRow(d: DeliveryRecord): AlertDeliveryTable {
  return {
    id: d.id,
    alert_id: d.alertId,
    channel: d.channel,
    type: d.type,
    notification_json: json(d.notification),
    created_at: d.createdAt,
    state: d.state,
    attempts: d.attempts,
    next_attempt_at: d.nextAttemptAt,
    last_error: d.lastError,
  };
}

function deliveryOf(r: Selectable<AlertDeliveryTable>): DeliveryRecord {
  return {
    id: r.id,
    alertId: r.alert_id,
    channel: r.channel,
    type: r.type as DeliveryRecord["type"],
    notification: JSON.parse(r.notification_json) as DeliveryRecord["notification"],
    createdAt: Number(r.created_at),
    state: r.state as DeliveryRecord["state"],
    attempts: Number(r.attempts),
    nextAttemptAt: Number(r.next_attempt_at),
    lastError: r.last_error,
  };
}

function attemptOf(r: Selectable<AlertAttemptTable>): AttemptRecord {
  return {
    deliveryId: r.delivery_id,
    alertId: r.alert_id,
    channel: r.channel,
    type: r.type as AttemptRecord["type"],
    at: Number(r.at),
    ok: Number(r.ok) === 1,
    httpStatus: r.http_status === null ? null : Number(r.http_status),
    error: r.error,
  };
}

function silenceOf(r: Selectable<SilenceTable>): SilenceRecord {
  return {
    id: r.id,
    environments: parse(r.environments_json),
    dags: parse(r.dags_json),
    until: Number(r.until),
    comment: r.comment,
    createdBy: r.created_by,
    createdAt: Number(r.created_at),
  };
}

export class SqlAlertStore implements AlertStore {
  constructor(private readonly exclusive: Exclusive) {}

  load(now: number, recentLimit: number): Promise<StoredAlerts> {
    return this.exclusive(async (db) => {
      const old = now - KEEP_MS;
      await db.transaction().execute(async (tx) => {
        await tx.deleteFrom("alert_attempts").where("at", "<", old).execute();
        await tx.deleteFrom("alert_deliveries").where("state", "!=", "pending").where("created_at", "<", old).execute();
        await tx.deleteFrom("alerts").where("state", "=", "resolved").where("ended_at", "<", old).execute();
        await tx.deleteFrom("silences").where("until", "<", now).execute();
      });
      return this.readWith(db, now, recentLimit);
    });
  }

  /** What `load` answers, without its clean-up: a follower replica's reads (contract §11) write nothing. */
  read(now: number, recentLimit: number): Promise<StoredAlerts> {
    return this.exclusive((db) => this.readWith(db, now, recentLimit));
  }

  private async readWith(db: Kysely<StoreTables>, now: number, recentLimit: number): Promise<StoredAlerts> {
    const open = await db
      .selectFrom("alerts")
      .selectAll()
      .where((eb) => eb.or([eb("state", "=", "firing"), eb.and([eb("notified_at", "is not", null), eb("resolved_notified_at", "is", null)])]))
      .execute();
    const openIds = new Set(open.map((a) => a.id));
    const recent = (await db.selectFrom("alerts").selectAll().where("state", "=", "resolved").orderBy("ended_at", "desc").limit(recentLimit + openIds.size).execute()).filter(
      (a) => !openIds.has(a.id),
    );
    const alerts = [...open, ...recent.slice(0, recentLimit)].map(alertOf);
    const ids = alerts.map((a) => a.id);
    const attempts: Selectable<AlertAttemptTable>[] = [];
    // Chunks keep the IN list within every backend's parameter limit.
    for (let i = 0; i < ids.length; i += 500) {
      attempts.push(...(await db.selectFrom("alert_attempts").selectAll().where("alert_id", "in", ids.slice(i, i + 500)).execute()));
    }
    attempts.push(...(await db.selectFrom("alert_attempts").selectAll().where("alert_id", "is", null).orderBy("at", "desc").limit(50).execute()));
    attempts.sort((a, b) => Number(a.at) - Number(b.at) || Number(a.attempt) - Number(b.attempt));
    const pending = await db.selectFrom("alert_deliveries").selectAll().where("state", "=", "pending").orderBy("created_at").execute();
    const silences = await db.selectFrom("silences").selectAll().where("until", ">", now).execute();
    return { alerts, attempts: attempts.map(attemptOf), pending: pending.map(deliveryOf), silences: silences.map(silenceOf) };
  }

  commit(alerts: AlertRecord[], deliveries: DeliveryRecord[]): Promise<void> {
    if (alerts.length === 0 && deliveries.length === 0) return Promise.resolve();
    return this.exclusive((db) =>
      db.transaction().execute(async (tx) => {
        for (const a of alerts) {
          const row = alertRow(a);
          const { id: _id, ...rest } = row;
          void _id;
          await tx.insertInto("alerts").values(row).onConflict((oc) => oc.column("id").doUpdateSet(rest)).execute();
        }
        for (const d of deliveries) {
          const row = deliveryRow(d);
          const { id: _id, ...rest } = row;
          void _id;
          await tx.insertInto("alert_deliveries").values(row).onConflict((oc) => oc.column("id").doUpdateSet(rest)).execute();
        }
      }),
    );
  }

  recordAttempt(delivery: DeliveryRecord, attempt: AttemptRecord): Promise<void> {
    return this.exclusive((db) =>
      db.transaction().execute(async (tx) => {
        const row = deliveryRow(delivery);
        const { id: _id, ...rest } = row;
        void _id;
        await tx.insertInto("alert_deliveries").values(row).onConflict((oc) => oc.column("id").doUpdateSet(rest)).execute();
        await tx
          .insertInto("alert_attempts")
          .values({
            delivery_id: attempt.deliveryId,
            attempt: delivery.attempts,
            alert_id: attempt.alertId,
            channel: attempt.channel,
            type: attempt.type,
            at: attempt.at,
            ok: attempt.ok ? 1 : 0,
            http_status: attempt.httpStatus,
            error: attempt.error,
          })
          .onConflict((oc) => oc.columns(["delivery_id", "attempt"]).doNothing())
          .execute();
      }),
    );
  }

  saveSilence(s: SilenceRecord): Promise<void> {
    return this.exclusive(async (db) => {
      await db
        .insertInto("silences")
        .values({
          id: s.id,
          environments_json: s.environments ? json(s.environments) : null,
          dags_json: s.dags ? json(s.dags) : null,
          until: s.until,
          comment: s.comment,
          created_by: s.createdBy,
          created_at: s.createdAt,
        })
        .execute();
    });
  }

  deleteSilence(id: string): Promise<boolean> {
    return this.exclusive(async (db) => {
      const r = await db.deleteFrom("silences").where("id", "=", id).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    });
  }
}
