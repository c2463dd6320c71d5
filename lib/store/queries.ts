import type { Kysely } from "kysely";
// Relative: scripts/prestart.ts loads this through tsx from the user's folder, where "@/" does not resolve.
import { iso } from "../monitor/clock";
import type { DagRunDto, EnvironmentStatus, HistoryPoint, HistoryResponse, IncidentDto, RunsHour } from "@/lib/monitor/dto";
import type { IncidentTable, StoreTables } from "./schema";
import { DAY_MS, floorTo, HOUR_MS, median, worse, type RetentionConfig } from "./types";
import { availability } from "../vocabulary";

/** Reads behind the history API. Every value reaches SQL as a bound parameter. */

export interface IncidentQuery {
  environment?: string;
  state?: "open" | "resolved";
  /** Incidents overlapping [from, to] (ms). */
  from?: number;
  to?: number;
  limit: number;
  /** Restricts to these environments (what the viewer may see); undefined = all. */
  visible?: string[];
}

export function incidentDto(r: Pick<IncidentTable, "id" | "environment_id" | "status" | "reasons_json" | "started_at" | "ended_at">, now: number): IncidentDto {
  const start = Number(r.started_at);
  const end = r.ended_at === null ? null : Number(r.ended_at);
  return {
    id: r.id,
    environmentId: r.environment_id,
    status: r.status as EnvironmentStatus,
    reasons: JSON.parse(r.reasons_json) as string[],
    startedAt: iso(start),
    endedAt: end === null ? null : iso(end),
    durationS: Math.max(0, Math.round(((end ?? now) - start) / 1000)),
  };
}

export async function listIncidents(db: Kysely<StoreTables>, q: IncidentQuery, now: number): Promise<IncidentDto[]> {
  if (q.visible && q.visible.length === 0) return [];
  let sel = db.selectFrom("incidents").selectAll();
  if (q.environment !== undefined) sel = sel.where("environment_id", "=", q.environment);
  if (q.visible) sel = sel.where("environment_id", "in", q.visible);
  if (q.state === "open") sel = sel.where("ended_at", "is", null);
  if (q.state === "resolved") sel = sel.where("ended_at", "is not", null);
  if (q.to !== undefined) sel = sel.where("started_at", "<=", q.to);
  if (q.from !== undefined) {
    const from = q.from;
    sel = sel.where((eb) => eb.or([eb("ended_at", "is", null), eb("ended_at", ">=", from)]));
  }
  const rows = await sel.orderBy("started_at", "desc").orderBy("id").limit(q.limit).execute();
  return rows.map((r) => incidentDto(r, now));
}

const RAW_STEPS_S = [60, 300, 900, 1800, 3600];
export const MAX_POINTS = 500;

/**
 * The step for a window: raw polls in the smallest of the usual steps up to 2 days, hourly
 * roll-ups up to 20 days (480 points), daily roll-ups beyond — at most 500 points.
 */
export function stepFor(windowMs: number): number {
  if (windowMs <= 2 * DAY_MS) {
    const need = windowMs / MAX_POINTS / 1000;
    return (RAW_STEPS_S.find((s) => s >= need) ?? 3600) * 1000;
  }
  if (windowMs <= 20 * DAY_MS) return HOUR_MS;
  return Math.max(1, Math.ceil(windowMs / DAY_MS / MAX_POINTS)) * DAY_MS;
}

interface Acc {
  worst: string | null;
  up: number;
  down: number;
  lat: number[];
}

/**
 * One environment's availability over [from, to]: raw polls for steps under an hour (within the
 * raw retention), hourly roll-ups for steps under a day, daily roll-ups beyond.
 */
export async function environmentHistory(db: Kysely<StoreTables>, env: string, from: number, to: number, now: number, retention: RetentionConfig): Promise<HistoryResponse> {
  let step = stepFor(to - from);
  const rawFrom = now - retention.rawHours * HOUR_MS;
  if (step < HOUR_MS && from < rawFrom) step = HOUR_MS;
  if (step >= HOUR_MS && step < DAY_MS && from < now - retention.hourlyDays * DAY_MS) step = DAY_MS;
  const start = floorTo(from, step);
  const buckets = new Map<number, Acc>();
  const acc = (t: number) => {
    const b = floorTo(t, step);
    let a = buckets.get(b);
    if (!a) buckets.set(b, (a = { worst: null, up: 0, down: 0, lat: [] }));
    return a;
  };
  if (step < HOUR_MS) {
    const rows = await db.selectFrom("samples").select(["t", "span_ms", "status", "latency_ms"]).where("environment_id", "=", env).where("t", ">=", start).where("t", "<", to).execute();
    for (const r of rows) {
      const a = acc(Number(r.t));
      if (r.status !== "unknown") a.worst = worse(a.worst, r.status);
      const cls = availability(r.status);
      if (cls === "up") a.up += Number(r.span_ms);
      if (cls === "down") a.down += Number(r.span_ms);
      if (r.latency_ms !== null) a.lat.push(Number(r.latency_ms));
    }
  } else {
    const table = step < DAY_MS ? "rollup_hourly" : "rollup_daily";
    const rows = await db.selectFrom(table).selectAll().where("environment_id", "=", env).where("bucket", ">=", start).where("bucket", "<", to).execute();
    for (const r of rows) {
      const a = acc(Number(r.bucket));
      a.worst = worse(a.worst, r.worst_status);
      a.up += Number(r.up_ms);
      a.down += Number(r.down_ms);
      if (r.latency_ms !== null) a.lat.push(Number(r.latency_ms));
    }
  }
  const points: HistoryPoint[] = [];
  for (let t = start; t < to && points.length < MAX_POINTS; t += step) {
    const a = buckets.get(t);
    points.push({
      t: iso(t),
      status: (a?.worst ?? null) as EnvironmentStatus | null,
      up: a && a.up + a.down > 0 ? Math.round((a.up / (a.up + a.down)) * 10_000) / 10_000 : null,
      latencyMs: a ? median(a.lat) : null,
    });
  }
  return { from: iso(from), to: iso(to), stepS: step / 1000, points };
}

/** Failed runs that started in the last `days` days, newest first, at most `limit`. */
export async function storedFailures(db: Kysely<StoreTables>, env: string, days: number, now: number, limit = 50): Promise<DagRunDto[]> {
  const since = now - days * DAY_MS;
  // end_ms is indexed; a run that started in the window ended in it too (or is not finished).
  const rows = await db
    .selectFrom("finished_runs")
    .selectAll()
    .where("environment_id", "=", env)
    .where("state", "=", "failed")
    .where("end_ms", ">=", since)
    .orderBy("end_ms", "desc")
    .limit(5000)
    .execute();
  const startMs = (r: (typeof rows)[number]) => Date.parse(r.start_date ?? r.logical_date ?? "") || Number(r.end_ms);
  return rows
    .filter((r) => startMs(r) >= since)
    .sort((a, b) => startMs(b) - startMs(a))
    .slice(0, limit)
    .map((r) => {
      const s = r.start_date ? Date.parse(r.start_date) : NaN;
      const e = r.end_date ? Date.parse(r.end_date) : NaN;
      return {
        dagId: r.dag_id,
        runId: r.run_id,
        state: "failed" as const,
        runType: r.run_type,
        logicalDate: r.logical_date,
        startDate: r.start_date,
        endDate: r.end_date,
        durationS: Number.isNaN(s) || Number.isNaN(e) ? null : Math.round((e - s) / 100) / 10,
        url: r.url,
      };
    });
}

/**
 * Counted finished runs of every environment for the hours since `from`, from the hours history
 * has recorded for it (no zeros invented for hours before recording began). By the hour a run ended.
 */
export async function recentRunHours(db: Kysely<StoreTables>, from: number, now: number): Promise<Map<string, RunsHour[]>> {
  const start = floorTo(from, HOUR_MS);
  const since = await db.selectFrom("samples").select(["environment_id", (eb) => eb.fn.min<number>("t").as("first")]).groupBy("environment_id").execute();
  const rows = await db.selectFrom("run_hours").selectAll().where("hour", ">=", start).execute();
  const byEnv = new Map<string, Map<number, RunsHour>>();
  for (const r of rows) {
    let m = byEnv.get(r.environment_id);
    if (!m) byEnv.set(r.environment_id, (m = new Map()));
    m.set(Number(r.hour), { hour: iso(Number(r.hour)), success: Number(r.success), failed: Number(r.failed), other: Number(r.other) });
  }
  const out = new Map<string, RunsHour[]>();
  for (const s of since) {
    const first = Math.max(start, floorTo(Number(s.first), HOUR_MS));
    const m = byEnv.get(s.environment_id);
    const list: RunsHour[] = [];
    for (let h = first; h <= now; h += HOUR_MS) list.push(m?.get(h) ?? { hour: iso(h), success: 0, failed: 0, other: 0 });
    out.set(s.environment_id, list);
  }
  return out;
}

/** Counted finished runs per UTC hour over [from, to), one entry per hour (zeros where none). */
export async function runsPerHour(db: Kysely<StoreTables>, env: string, from: number, to: number): Promise<RunsHour[]> {
  const start = floorTo(from, HOUR_MS);
  const rows = await db.selectFrom("run_hours").selectAll().where("environment_id", "=", env).where("hour", ">=", start).where("hour", "<", to).execute();
  const byHour = new Map(rows.map((r) => [Number(r.hour), r]));
  const out: RunsHour[] = [];
  for (let h = start; h < to; h += HOUR_MS) {
    const r = byHour.get(h);
    out.push({ hour: iso(h), success: Number(r?.success ?? 0), failed: Number(r?.failed ?? 0), other: Number(r?.other ?? 0) });
  }
  return out;
}
