import type { Kysely } from "kysely";
import type { Uptime } from "@/lib/monitor/dto";
import { fromExcluded } from "./db";
import type { RollupTable, RunHourTable, StoreTables } from "./schema";
import { DAY_MS, floorTo, HOUR_MS, median, percent, worse, type RetentionConfig } from "./types";
import { availability } from "../vocabulary";


export const UPTIME_WINDOWS: { key: keyof Uptime; ms: number }[] = [
  { key: "24h", ms: DAY_MS },
  { key: "7d", ms: 7 * DAY_MS },
  { key: "30d", ms: 30 * DAY_MS },
];

/** One environment's sums for a roll-up bucket. */
interface Tally {
  up: number;
  down: number;
  nodata: number;
  worst: string | null;
  lat: number[];
  n: number;
}

function tallyOf(byEnv: Map<string, Tally>, env: string): Tally {
  let a = byEnv.get(env);
  if (!a) byEnv.set(env, (a = { up: 0, down: 0, nodata: 0, worst: null, lat: [], n: 0 }));
  return a;
}

/** Recomputes the hourly roll-up of the given hours from raw samples (idempotent). */
export async function rollupHours(db: Kysely<StoreTables>, hours: number[]): Promise<Set<number>> {
  const days = new Set<number>();
  for (const h of hours) {
    const rows = await db.selectFrom("samples").select(["environment_id", "span_ms", "status", "latency_ms"]).where("t", ">=", h).where("t", "<", h + HOUR_MS).execute();
    const byEnv = new Map<string, Tally>();
    for (const r of rows) {
      const a = tallyOf(byEnv, r.environment_id);
      const span = Number(r.span_ms);
      const cls = availability(r.status);
      a[cls === "nodata" ? "nodata" : cls] += span;
      if (r.status !== "unknown") a.worst = worse(a.worst, r.status);
      if (r.latency_ms !== null) a.lat.push(Number(r.latency_ms));
      a.n++;
    }
    await upsertRollup(db, "rollup_hourly", h, byEnv);
    days.add(floorTo(h, DAY_MS));
  }
  for (const d of days) {
    const rows = await db.selectFrom("rollup_hourly").selectAll().where("bucket", ">=", d).where("bucket", "<", d + DAY_MS).execute();
    const byEnv = new Map<string, Tally>();
    for (const r of rows) {
      const a = tallyOf(byEnv, r.environment_id);
      a.up += Number(r.up_ms);
      a.down += Number(r.down_ms);
      a.nodata += Number(r.nodata_ms);
      a.worst = worse(a.worst, r.worst_status);
      // The day's latency is the median of its hourly medians: close enough for a daily cell.
      if (r.latency_ms !== null) a.lat.push(Number(r.latency_ms));
      a.n += Number(r.samples);
    }
    await upsertRollup(db, "rollup_daily", d, byEnv);
  }
  return days;
}

async function upsertRollup(db: Kysely<StoreTables>, table: "rollup_hourly" | "rollup_daily", bucket: number, byEnv: Map<string, Tally>): Promise<void> {
  const values = [...byEnv].map(([env, a]) => ({
    environment_id: env,
    bucket,
    up_ms: a.up,
    down_ms: a.down,
    nodata_ms: a.nodata,
    worst_status: a.worst,
    latency_ms: median(a.lat),
    samples: a.n,
  }));
  for (let i = 0; i < values.length; i += 200) {
    await db
      .insertInto(table)
      .values(values.slice(i, i + 200))
      .onConflict((oc) => oc.columns(["environment_id", "bucket"]).doUpdateSet(fromExcluded<RollupTable>(["up_ms", "down_ms", "nodata_ms", "worst_status", "latency_ms", "samples"])))
      .execute();
  }
}

/** Recomputes finished-run counts per environment for the given hours from `finished_runs`. */
export async function countRunHours(db: Kysely<StoreTables>, hours: number[]): Promise<void> {
  for (const h of hours) {
    const rows = await db
      .selectFrom("finished_runs")
      .select(["environment_id", "state", (eb) => eb.fn.countAll<number>().as("n")])
      .where("end_ms", ">=", h)
      .where("end_ms", "<", h + HOUR_MS)
      .groupBy(["environment_id", "state"])
      .execute();
    const byEnv = new Map<string, { success: number; failed: number; other: number }>();
    for (const r of rows) {
      let a = byEnv.get(r.environment_id);
      if (!a) byEnv.set(r.environment_id, (a = { success: 0, failed: 0, other: 0 }));
      const k = r.state === "success" || r.state === "failed" ? r.state : "other";
      a[k] += Number(r.n);
    }
    const values = [...byEnv].map(([env, a]) => ({ environment_id: env, hour: h, ...a }));
    for (let i = 0; i < values.length; i += 200) {
      await db
        .insertInto("run_hours")
        .values(values.slice(i, i + 200))
        .onConflict((oc) =>
          oc.columns(["environment_id", "hour"]).doUpdateSet(fromExcluded<RunHourTable>(["success", "failed", "other"])),
        )
        .execute();
    }
  }
}

/** Deletes what retention no longer keeps. Failed runs stay as long as hourly roll-ups (recent failures). */
export async function prune(db: Kysely<StoreTables>, now: number, r: RetentionConfig): Promise<void> {
  const raw = now - r.rawHours * HOUR_MS;
  const hourly = now - r.hourlyDays * DAY_MS;
  const daily = now - r.dailyDays * DAY_MS;
  await db.deleteFrom("samples").where("t", "<", raw).execute();
  await db.deleteFrom("finished_runs").where("state", "!=", "failed").where("end_ms", "<", raw).execute();
  await db.deleteFrom("finished_runs").where("end_ms", "<", Math.min(hourly, now - 30 * DAY_MS)).execute();
  await db.deleteFrom("rollup_hourly").where("bucket", "<", hourly).execute();
  await db.deleteFrom("run_hours").where("hour", "<", hourly).execute();
  await db.deleteFrom("rollup_daily").where("bucket", "<", daily).execute();
  await db.deleteFrom("incidents").where("ended_at", "<", daily).execute();
}

/**
 * Uptime per environment for the three windows: complete hours from the hourly roll-up, the
 * partial hours at both ends from raw samples, so the figure is exact to the poll.
 */
export async function computeUptime(db: Kysely<StoreTables>, now: number): Promise<Map<string, Uptime>> {
  const out = new Map<string, Uptime>();
  const current = floorTo(now, HOUR_MS);
  for (const w of UPTIME_WINDOWS) {
    const from = now - w.ms;
    const firstFull = floorTo(from, HOUR_MS) + HOUR_MS;
    const acc = new Map<string, { up: number; down: number }>();
    const add = (env: string, up: number, down: number) => {
      const a = acc.get(env) ?? { up: 0, down: 0 };
      a.up += up;
      a.down += down;
      acc.set(env, a);
    };
    const hourly = await db
      .selectFrom("rollup_hourly")
      .select(["environment_id", (eb) => eb.fn.sum<number>("up_ms").as("up"), (eb) => eb.fn.sum<number>("down_ms").as("down")])
      .where("bucket", ">=", firstFull)
      .where("bucket", "<", current)
      .groupBy("environment_id")
      .execute();
    for (const r of hourly) add(r.environment_id, Number(r.up), Number(r.down));
    const raw = await db
      .selectFrom("samples")
      .select(["environment_id", "status", (eb) => eb.fn.sum<number>("span_ms").as("span")])
      .where("t", ">=", from)
      .where((eb) => eb.or([eb("t", "<", firstFull), eb("t", ">=", current)]))
      .groupBy(["environment_id", "status"])
      .execute();
    for (const r of raw) {
      const cls = availability(r.status);
      if (cls === "up") add(r.environment_id, Number(r.span), 0);
      else if (cls === "down") add(r.environment_id, 0, Number(r.span));
      else add(r.environment_id, 0, 0);
    }
    for (const [env, a] of acc) {
      const u = out.get(env) ?? { "24h": null, "7d": null, "30d": null };
      u[w.key] = percent(a.up, a.down);
      out.set(env, u);
    }
  }
  return out;
}
