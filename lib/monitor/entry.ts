import type { CallLimits } from "@/lib/airflow/transport";
import type { EnvironmentConfig } from "@/lib/config/types";
import { DagRunReads } from "./dag-run-reads";
import { Limiter } from "./limiter";
import type { MonitorOptions } from "./monitor-types";
import { EnvironmentRuntime } from "./runtime";
import type { EnvironmentSnapshot } from "./snapshot";

/** One environment inside the fleet monitor: its runtime, what readers see of it, and its polling machinery. */

export type Cadence = "health" | "runs" | "dags";

export interface Entry {
  rt: EnvironmentRuntime;
  /** What readers see of it: replaced after each change (`publish`), never changed. */
  view: EnvironmentSnapshot;
  /** The DAG-list and runs polls. */
  limiter: Limiter;
  /** Health polls only: a slow DAG-list or runs poll never delays the health check behind it. */
  healthLane: Limiter;
  /** Timers of the three cadences, and `stale`: when the summary must turn stale if no poll succeeds. */
  timers: Partial<Record<Cadence | "stale", unknown>>;
  running: Set<Cadence>;
  /** Cadences whose phase shift was applied. */
  phased: Set<Cadence>;
  /** Replaced when polling resumes after `pause`. */
  abort: AbortController;
  /** Aborted only when the environment stops for good: a replica that paused still serves on-demand reads. */
  life: AbortController;
  reads: DagRunReads;
}

const DAG_RUNS_TTL_MS = 15_000;

/** A new environment's entry: its connector, lanes and on-demand reads; the restored summary shown until it polls. */
export function newEntry(env: EnvironmentConfig, opts: MonitorOptions, limits: CallLimits, now: () => number, globalReads: Limiter): Entry {
  const connector = opts.createConnector(env, limits, opts.config.refresh);
  const reads = opts.readsPerEnvironment ?? { running: 2, waiting: 8 };
  const rt = new EnvironmentRuntime(env, connector, now());
  const restored = opts.restored?.get(env.id);
  if (restored) rt.restore(restored);
  const entry: Entry = {
    rt,
    view: rt.snapshot(),
    limiter: new Limiter(opts.perEnvironmentConcurrency ?? 2),
    healthLane: new Limiter(1),
    timers: {},
    running: new Set(),
    phased: new Set(),
    abort: new AbortController(),
    life: new AbortController(),
    reads: new DagRunReads({
      now,
      ttlMs: DAG_RUNS_TTL_MS,
      maxRunning: reads.running,
      maxWaiting: reads.waiting,
      read: (dagId, limit, signal) => globalReads.run(() => connector.listDagRuns(dagId, limit, AbortSignal.any([entry.life.signal, signal]))),
    }),
  };
  return entry;
}
