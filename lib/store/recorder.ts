import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { DagRunDto, EnvironmentSummary } from "@/lib/monitor/dto";
import type { StoreTables } from "./schema";
import { isProblemStatus } from "../vocabulary";
import { worse } from "./types";
import type { StoreWriter } from "./writer";

/** An incident as the recorder keeps it in memory while open. */
interface OpenIncident {
  id: string;
  environmentId: string;
  status: string;
  reasons: string[];
  startedAt: number;
}

/** What a restart restores for one environment. */
export interface RestoredState {
  summary: EnvironmentSummary;
  /** When the stored summary was written (ms). */
  updatedAt: number;
}

/**
 * Turns the monitor's polls into history: incidents (contract §7), one sample per health poll,
 * each environment's last summary, and every finished run seen. All writes go through the batched
 * writer; nothing here waits on the database except `load` at start.
 */
export class Recorder {
  private readonly open = new Map<string, OpenIncident>();
  /** Hours (UTC start, ms) with new samples or runs since the last roll-up. */
  readonly dirtySampleHours = new Set<number>();
  readonly dirtyRunHours = new Set<number>();

  constructor(
    private readonly db: Kysely<StoreTables>,
    private readonly writer: StoreWriter,
  ) {}

  /** Loads open incidents and the last summaries. Called before the monitor starts. */
  async load(): Promise<Map<string, RestoredState>> {
    // Loaded again when a replica becomes the leader: the incidents the previous leader left open.
    this.open.clear();
    const open = await this.db.selectFrom("incidents").selectAll().where("ended_at", "is", null).execute();
    for (const r of open) {
      // Only one incident per environment can be open; if an old crash left two, the newest wins.
      const prev = this.open.get(r.environment_id);
      if (prev && prev.startedAt > r.started_at) continue;
      this.open.set(r.environment_id, { id: r.id, environmentId: r.environment_id, status: r.status, reasons: JSON.parse(r.reasons_json), startedAt: Number(r.started_at) });
    }
    const restored = new Map<string, RestoredState>();
    for (const r of await this.db.selectFrom("env_state").selectAll().execute()) {
      try {
        restored.set(r.environment_id, { summary: JSON.parse(r.summary_json) as EnvironmentSummary, updatedAt: Number(r.updated_at) });
      } catch {
        // A row we cannot read is only a lost restore: that environment starts as unknown.
      }
    }
    return restored;
  }

  /** The open incident of an environment, if any (for tests and the API). */
  openIncident(environmentId: string): Readonly<OpenIncident> | undefined {
    return this.open.get(environmentId);
  }

  /**
   * Records an environment's summary after a poll at `at`. `spanMs` is set for health polls: the
   * time this poll stands for in uptime (the health interval); other polls only update incidents
   * and the stored summary.
   */
  observe(s: EnvironmentSummary, at: number, spanMs: number | null, statusSince: number | null): void {
    this.writer.putState({ environment_id: s.id, status: s.status, status_since: statusSince, summary_json: JSON.stringify(s), updated_at: at });
    this.trackIncident(s, at);
    if (spanMs !== null) {
      const heartbeat = s.schedulerHeartbeat ? Date.parse(s.schedulerHeartbeat) : NaN;
      this.writer.addSample({
        environment_id: s.id,
        t: at,
        span_ms: Math.round(spanMs),
        status: s.status,
        latency_ms: s.latencyMs,
        heartbeat_age_s: Number.isNaN(heartbeat) ? null : Math.max(0, Math.round((at - heartbeat) / 1000)),
        components_json: s.components ? JSON.stringify(s.components) : null,
      });
      this.dirtySampleHours.add(Math.floor(at / 3600_000) * 3600_000);
    }
  }

  private trackIncident(s: EnvironmentSummary, at: number): void {
    if (s.status === "unknown") return;
    const cur = this.open.get(s.id);
    if (!isProblemStatus(s.status)) {
      if (cur) {
        this.open.delete(s.id);
        this.writer.putIncident(row(cur, at));
      }
      return;
    }
    if (!cur) {
      const inc: OpenIncident = { id: randomUUID(), environmentId: s.id, status: s.status, reasons: mergeReasons([], s.reasons), startedAt: at };
      this.open.set(s.id, inc);
      this.writer.putIncident(row(inc, null));
      return;
    }
    const status = worse(cur.status, s.status)!;
    const reasons = mergeReasons(cur.reasons, s.reasons);
    if (status !== cur.status || reasons.join("\n") !== cur.reasons.join("\n")) {
      cur.status = status;
      cur.reasons = reasons;
      this.writer.putIncident(row(cur, null));
    }
  }

  /** Records finished runs (success, failed or another final state); the database dedupes by run. */
  recordRuns(environmentId: string, runs: DagRunDto[]): void {
    for (const r of runs) {
      if (r.state !== "success" && r.state !== "failed") continue;
      const endMs = Date.parse(r.endDate ?? r.startDate ?? r.logicalDate ?? "");
      if (Number.isNaN(endMs)) continue;
      this.writer.addRun({
        environment_id: environmentId,
        dag_id: r.dagId,
        run_id: r.runId,
        state: r.state,
        run_type: r.runType,
        logical_date: r.logicalDate,
        start_date: r.startDate,
        end_date: r.endDate,
        end_ms: endMs,
        url: r.url,
      });
      this.dirtyRunHours.add(Math.floor(endMs / 3600_000) * 3600_000);
    }
  }
}

/** Reasons kept per incident; a long incident must not grow its row without bound. */
const MAX_REASONS = 20;

/**
 * Distinct reasons in the order first seen. Reasons that differ only in their figures ("scheduler
 * heartbeat 95 s old" / "… 2 min old") are one reason: the latest wording replaces the earlier one.
 */
export function mergeReasons(known: string[], seen: string[]): string[] {
  const shape = (r: string) => r.replace(/\d+(\.\d+)?\s*(ms|s|min|h|d)?\b/g, "#");
  const out = [...known];
  for (const r of seen) {
    const i = out.findIndex((k) => shape(k) === shape(r));
    if (i >= 0) out[i] = r;
    else if (out.length < MAX_REASONS) out.push(r);
  }
  return out;
}

function row(i: OpenIncident, endedAt: number | null) {
  return { id: i.id, environment_id: i.environmentId, status: i.status, reasons_json: JSON.stringify(i.reasons), started_at: i.startedAt, ended_at: endedAt };
}
