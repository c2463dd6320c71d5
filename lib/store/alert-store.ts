import type { Kysely, Selectable } from "kysely";
import type { AlertRecord, AlertStore, AttemptRecord, DeliveryRecord, SilenceRecord, StoredAlerts } from "@/lib/alerts/records";
import { rowCodec, type AlertAttemptTable, type AlertDeliveryTable, type AlertTable, type SilenceTable, type StoreTables } from "./schema";

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

/** An alert's row and back (migration 002). */
const alertRows = rowCodec<AlertRecord, AlertTable>(
  ["id", "rule", "environmentId", "dagId", "status", "reasons", "channels", "repeatMinutes", "state", "startedAt", "endedAt", "notifiedAt", "resolvedNotifiedAt", "lastReminderAt"],
  { json: ["reasons", "channels"], numbers: ["repeatMinutes", "startedAt", "endedAt", "notifiedAt", "resolvedNotifiedAt", "lastReminderAt"] },
);
const deliveryRows = rowCodec<DeliveryRecord, AlertDeliveryTable>(
  ["id", "alertId", "channel", "type", "notification", "createdAt", "state", "attempts", "nextAttemptAt", "lastError"],
  { json: ["notification"], numbers: ["createdAt", "attempts", "nextAttemptAt"] },
);
/** The row's `attempt` (the delivery's attempt number) is part of its key, not of the record. */
const attemptRows = rowCodec<AttemptRecord, AlertAttemptTable>(["deliveryId", "alertId", "channel", "type", "at", "ok", "httpStatus", "error"], {
  numbers: ["at", "httpStatus"],
  flags: ["ok"],
});
const silenceRows = rowCodec<SilenceRecord, SilenceTable>(["id", "environments", "dags", "until", "comment", "createdBy", "createdAt"], {
  json: ["environments", "dags"],
  numbers: ["until", "createdAt"],
});

/** Every column but the key: what an upsert by id overwrites. */
function exceptId<R extends { id: string }>(row: R): Omit<R, "id"> {
  return Object.fromEntries(Object.entries(row).filter(([k]) => k !== "id")) as Omit<R, "id">;
}

function upsertDelivery(tx: Kysely<StoreTables>, d: DeliveryRecord): Promise<unknown> {
  const row = deliveryRows.row(d);
  return tx.insertInto("alert_deliveries").values(row).onConflict((oc) => oc.column("id").doUpdateSet(exceptId(row))).execute();
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
    const alerts = [...open, ...recent.slice(0, recentLimit)].map(alertRows.record);
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
    return { alerts, attempts: attempts.map(attemptRows.record), pending: pending.map(deliveryRows.record), silences: silences.map(silenceRows.record) };
  }

  commit(alerts: AlertRecord[], deliveries: DeliveryRecord[]): Promise<void> {
    if (alerts.length === 0 && deliveries.length === 0) return Promise.resolve();
    return this.exclusive((db) =>
      db.transaction().execute(async (tx) => {
        for (const a of alerts) {
          const row = alertRows.row(a);
          await tx.insertInto("alerts").values(row).onConflict((oc) => oc.column("id").doUpdateSet(exceptId(row))).execute();
        }
        for (const d of deliveries) await upsertDelivery(tx, d);
      }),
    );
  }

  recordAttempt(delivery: DeliveryRecord, attempt: AttemptRecord): Promise<void> {
    return this.exclusive((db) =>
      db.transaction().execute(async (tx) => {
        await upsertDelivery(tx, delivery);
        await tx
          .insertInto("alert_attempts")
          .values({ ...attemptRows.row(attempt), attempt: delivery.attempts })
          .onConflict((oc) => oc.columns(["delivery_id", "attempt"]).doNothing())
          .execute();
      }),
    );
  }

  saveSilence(s: SilenceRecord): Promise<void> {
    return this.exclusive(async (db) => {
      await db.insertInto("silences").values(silenceRows.row(s)).execute();
    });
  }

  deleteSilence(id: string): Promise<boolean> {
    return this.exclusive(async (db) => {
      const r = await db.deleteFrom("silences").where("id", "=", id).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    });
  }
}
