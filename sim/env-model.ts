import { generateDags, type DagDef } from "./dag-model";
import { hashString, mix, rng, unit } from "./random";
import type { ScenarioName, SimEnvironmentSpec } from "./types";

/**
 * The state of one virtual environment as a pure function of (seed, env id, time, scenario timeline).
 * Runs are computed lazily: run k of a DAG belongs to slot `phase + k * period`, is queued a few
 * seconds after it, starts a few seconds later and ends before the next slot, so every time field
 * is monotone in k and queries can binary-search instead of materialising history.
 */

export type RunState = "queued" | "running" | "success" | "failed";
type Fate = "success" | "failed";

export interface RunRec {
  dag: DagDef;
  k: number;
  /** run_after / data_interval_end. */
  slot: number;
  /** logical_date / data_interval_start. */
  logical: number;
  queued: number;
  start: number | null;
  end: number | null;
  state: RunState;
  /** Latest state change (or a mark at a scenario switch). */
  updated: number;
}

interface Segment { from: number; scenario: ScenarioName }
interface Bump { k: number; at: number; fate: Fate }

export const HISTORY_MS = 49 * 3600_000;
const MIN = 60_000;

export class EnvModel {
  readonly dags: DagDef[];
  readonly byId = new Map<string, DagDef>();
  readonly historyStart: number;
  readonly envHash: number;
  /** DAGs that fail in `failing-dags` (exactly 3 active, unpaused when the env has that many). */
  readonly failing = new Set<number>();
  /** Index of the DAG that fails and recovers periodically (`options.recoveringDag`), or -1. */
  readonly recovering: number = -1;
  /** DAG whose file has an import error in `import-errors`, or -1. */
  readonly brokenDag: number = -1;
  private segments: Segment[];
  private bumps = new Map<number, Bump[]>();
  private since: number;

  constructor(seed: number, spec: SimEnvironmentSpec, now: number) {
    this.envHash = hashString(`${seed}:${spec.id}`);
    const count = spec.dagCount ?? (spec.scenario === "huge" ? 3000 : 40);
    this.dags = generateDags(seed, spec.id, count, spec.tags?.team);
    for (const d of this.dags) this.byId.set(d.dagId, d);
    this.historyStart = Math.floor((now - HISTORY_MS) / 3600_000) * 3600_000;
    this.segments = [{ from: -Infinity, scenario: spec.scenario }];
    this.since = now;

    const eligible = this.dags.filter((d) => !d.paused && !d.stale).map((d) => d.index);
    if (spec.options?.recoveringDag === true && eligible.length > 0) {
      const five = eligible.find((i) => this.dags[i].schedule.periodMs === 5 * MIN);
      const idx = five ?? eligible[0];
      const d = this.dags[idx];
      if (five === undefined) {
        d.schedule = { periodMs: 5 * MIN, phaseMs: 0, cron: "*/5 * * * *", description: "Every 5 minutes" };
        d.baseDurMs = Math.min(d.baseDurMs, 90_000);
      }
      this.recovering = idx;
    }
    const pool = eligible.filter((i) => i !== this.recovering);
    const r = rng(mix(this.envHash, 0xfa11));
    for (let i = pool.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [pool[i], pool[j]] = [pool[j], pool[i]];
    }
    for (const i of pool.slice(0, 3)) this.failing.add(i);
    this.brokenDag = pool[3] ?? pool[0] ?? -1;
  }

  scenario(): ScenarioName {
    return this.segments[this.segments.length - 1].scenario;
  }

  /** When the current scenario began (creation time for the initial one). */
  scenarioSince(): number {
    return this.since;
  }

  scenarioAt(t: number): ScenarioName {
    for (let i = this.segments.length - 1; i >= 0; i--) if (this.segments[i].from <= t) return this.segments[i].scenario;
    return this.segments[0].scenario;
  }

  /**
   * Switches the scenario at `now`. Runs that end from now on follow the new scenario; the latest
   * finished run of each affected DAG is re-marked at `now` (its updated_at moves to now) so the
   * failing-DAG picture changes at once and incremental pollers see it.
   */
  setScenario(s: ScenarioName, now: number): void {
    this.segments.push({ from: now, scenario: s });
    this.since = now;
    const want: Fate = s === "failing-dags" ? "failed" : "success";
    for (const i of this.failing) {
      const d = this.dags[i];
      let k = this.kLast(d, now);
      if (k >= this.kFirst(d) && this.endAt(d, k) > now) k--;
      if (k < this.kFirst(d) || this.fate(d, k, now) === want) continue;
      const list = this.bumps.get(i) ?? [];
      list.push({ k, at: now, fate: want });
      this.bumps.set(i, list);
    }
  }

  /**
   * Clearing a finished run's failed task instances (API write): the re-run succeeds, visible from
   * `now` like a scenario re-mark, so pollers see the run's updated_at move.
   */
  clearRun(d: DagDef, k: number, now: number): void {
    const list = this.bumps.get(d.index) ?? [];
    list.push({ k, at: now, fate: "success" });
    this.bumps.set(d.index, list);
  }

  // ---- run timing (all monotone in k) ----

  slot(d: DagDef, k: number): number {
    return d.schedule.phaseMs + k * d.schedule.periodMs;
  }
  queuedAt(d: DagDef, k: number): number {
    return this.slot(d, k) + 1000 + (mix(d.hash, k, 1) % 3000);
  }
  startAt(d: DagDef, k: number): number {
    return this.queuedAt(d, k) + 1000 + (mix(d.hash, k, 2) % 14_000);
  }
  endAt(d: DagDef, k: number): number {
    const dur = Math.max(5000, Math.round(d.baseDurMs * (0.75 + 0.5 * unit(mix(d.hash, k, 3)))));
    return this.startAt(d, k) + dur;
  }

  /** First run index kept in history. */
  kFirst(d: DagDef): number {
    return Math.ceil((this.historyStart - d.schedule.phaseMs) / d.schedule.periodMs);
  }

  /** Last run that exists (is queued) at `now`; below kFirst when the DAG has none. */
  kLast(d: DagDef, now: number): number {
    if (d.stale || (d.paused && d.pausedAt === undefined)) return this.kFirst(d) - 1;
    if (d.paused && d.pausedAt !== undefined) now = Math.min(now, d.pausedAt);
    let k = Math.floor((now - d.schedule.phaseMs) / d.schedule.periodMs);
    if (this.queuedAt(d, k) > now) k--;
    return Math.max(k, this.kFirst(d) - 1);
  }

  /** The slot index of the next run to be created after `now`. */
  nextK(d: DagDef, now: number): number {
    return Math.floor((now - d.schedule.phaseMs) / d.schedule.periodMs) + 1;
  }

  // ---- fates ----

  naturalFate(d: DagDef, k: number): Fate {
    if (d.index === this.recovering) return Math.floor(this.slot(d, k) / MIN) % 40 < 15 ? "failed" : "success";
    return this.failing.has(d.index) && this.scenarioAt(this.endAt(d, k)) === "failing-dags" ? "failed" : "success";
  }

  /** Bump of run k visible at `now`, if any. */
  bumpOf(d: DagDef, k: number, now: number): Bump | undefined {
    const list = this.bumps.get(d.index);
    if (!list) return undefined;
    let found: Bump | undefined;
    for (const b of list) if (b.k === k && b.at <= now) found = b;
    return found;
  }

  /** Run indices re-marked by scenario switches (visible at now). */
  bumpedKs(d: DagDef, now: number): number[] {
    const list = this.bumps.size ? this.bumps.get(d.index) : undefined;
    return list ? [...new Set(list.filter((b) => b.at <= now).map((b) => b.k))] : [];
  }

  fate(d: DagDef, k: number, now: number): Fate {
    return this.bumpOf(d, k, now)?.fate ?? this.naturalFate(d, k);
  }

  /**
   * Sub-ranges of [a, b] with a constant natural fate, or null when the fate varies run by run
   * (the recovering DAG) and callers must look at each run.
   */
  fateRanges(d: DagDef, a: number, b: number): Array<{ a: number; b: number; fate: Fate }> | null {
    if (b < a) return [];
    if (d.index === this.recovering) return null;
    if (!this.failing.has(d.index)) return [{ a, b, fate: "success" }];
    const out: Array<{ a: number; b: number; fate: Fate }> = [];
    let lo = a;
    for (let i = 0; i < this.segments.length && lo <= b; i++) {
      const until = i + 1 < this.segments.length ? this.segments[i + 1].from : Infinity;
      // last k in [lo, b] whose end is before `until`
      let l = lo, h = b, hi = lo - 1;
      while (l <= h) {
        const m = Math.floor((l + h) / 2);
        if (this.endAt(d, m) < until) { hi = m; l = m + 1; } else h = m - 1;
      }
      if (hi >= lo) out.push({ a: lo, b: hi, fate: this.segments[i].scenario === "failing-dags" ? "failed" : "success" });
      lo = Math.max(lo, hi + 1);
    }
    return out;
  }

  /** Materialises run k as seen at `now` (the caller guarantees kFirst ≤ k ≤ kLast(now)). */
  run(d: DagDef, k: number, now: number): RunRec {
    const slot = d.schedule.phaseMs + k * d.schedule.periodMs;
    const queued = slot + 1000 + (mix(d.hash, k, 1) % 3000);
    const start = queued + 1000 + (mix(d.hash, k, 2) % 14_000);
    const end = start + Math.max(5000, Math.round(d.baseDurMs * (0.75 + 0.5 * unit(mix(d.hash, k, 3)))));
    const logical = slot - d.schedule.periodMs;
    if (now < start) return { dag: d, k, slot, logical, queued, start: null, end: null, state: "queued", updated: queued };
    if (now < end) return { dag: d, k, slot, logical, queued, start, end: null, state: "running", updated: start };
    const bump = this.bumps.size ? this.bumpOf(d, k, now) : undefined;
    return { dag: d, k, slot, logical, queued, start, end, state: bump?.fate ?? this.naturalFate(d, k), updated: bump ? Math.max(end, bump.at) : end };
  }
}
