import { randomUUID } from "node:crypto";
import type { Kysely, Selectable } from "kysely";
import type { AuditEntry } from "../vocabulary";
import type { AuditTable, StoreTables } from "./schema";

/**
 * The audit log and freeze records (migration 003) in the history database, through the writer's
 * exclusive lane like alerting's records. Each write is awaited by the caller: an action's intent
 * is on disk before Airflow is called.
 */

type Exclusive = <T>(fn: (db: Kysely<StoreTables>) => Promise<T>) => Promise<T>;

export interface AuditIntent {
  at: number;
  actor: string;
  action: string;
  environmentId: string;
  dagId: string | null;
  runId: string | null;
  detail?: Record<string, unknown>;
}

export interface AuditOutcome {
  at: number;
  ok: boolean;
  httpStatus: number | null;
  message: string;
  /** The run the action created, when it only became known from Airflow's answer. */
  runId?: string | null;
}

export interface FreezeRecord {
  environmentId: string;
  dagIds: string[];
  frozenAt: number;
  frozenBy: string;
}

function entryOf(r: Selectable<AuditTable>): AuditEntry {
  return {
    at: new Date(Number(r.at)).toISOString(),
    actor: r.actor,
    action: r.action,
    environmentId: r.environment_id,
    dagId: r.dag_id,
    runId: r.run_id,
    ok: r.ok === null ? null : Number(r.ok) === 1,
    httpStatus: r.http_status === null ? null : Number(r.http_status),
    message: r.message,
  };
}

export class SqlActionStore {
  constructor(
    private readonly exclusive: Exclusive,
    private readonly read: Kysely<StoreTables>,
  ) {}

  /** Records the intent; resolves with the entry id once written. */
  async intent(i: AuditIntent): Promise<string> {
    const id = randomUUID();
    await this.exclusive((db) =>
      db
        .insertInto("audit_log")
        .values({
          id, at: i.at, actor: i.actor, action: i.action, environment_id: i.environmentId, dag_id: i.dagId, run_id: i.runId,
          detail_json: i.detail ? JSON.stringify(i.detail) : null, ok: null, http_status: null, message: null, finished_at: null,
        })
        .execute(),
    );
    return id;
  }

  async outcome(id: string, o: AuditOutcome): Promise<void> {
    await this.exclusive((db) =>
      db
        .updateTable("audit_log")
        .set({ ok: o.ok ? 1 : 0, http_status: o.httpStatus, message: o.message.slice(0, 2000), finished_at: o.at, ...(o.runId ? { run_id: o.runId } : {}) })
        .where("id", "=", id)
        .execute(),
    );
  }

  /**
   * Newest first; `environmentIds` undefined = all. `outcome`: ok, failed, or pending (intent
   * recorded, no answer); `offset` pages through the same order.
   */
  async list(q: { environmentIds?: string[]; limit: number; action?: string; outcome?: "ok" | "failed" | "pending"; offset?: number }): Promise<AuditEntry[]> {
    if (q.environmentIds && q.environmentIds.length === 0) return [];
    let sel = this.read.selectFrom("audit_log").selectAll();
    if (q.environmentIds) sel = sel.where("environment_id", "in", q.environmentIds);
    if (q.action) sel = sel.where("action", "=", q.action);
    if (q.outcome === "pending") sel = sel.where("ok", "is", null);
    else if (q.outcome) sel = sel.where("ok", "=", q.outcome === "ok" ? 1 : 0);
    const rows = await sel.orderBy("at", "desc").orderBy("id").limit(q.limit).offset(q.offset ?? 0).execute();
    return rows.map(entryOf);
  }

  async freezes(): Promise<FreezeRecord[]> {
    const rows = await this.read.selectFrom("freezes").selectAll().execute();
    return rows.map((r) => ({ environmentId: r.environment_id, dagIds: JSON.parse(r.dag_ids_json) as string[], frozenAt: Number(r.frozen_at), frozenBy: r.frozen_by }));
  }

  async saveFreeze(f: FreezeRecord): Promise<void> {
    await this.exclusive(async (db) => {
      await db.deleteFrom("freezes").where("environment_id", "=", f.environmentId).execute();
      await db.insertInto("freezes").values({ environment_id: f.environmentId, dag_ids_json: JSON.stringify(f.dagIds), frozen_at: f.frozenAt, frozen_by: f.frozenBy }).execute();
    });
  }

  async deleteFreeze(environmentId: string): Promise<void> {
    await this.exclusive((db) => db.deleteFrom("freezes").where("environment_id", "=", environmentId).execute());
  }
}
