import type { CallLimits } from "@/lib/airflow/transport";
import type { Connector, DagRun } from "@/lib/airflow/types";
import type { EnvironmentConfig, FlightboardConfig, RefreshConfig } from "@/lib/config/types";
import type { Clock } from "./clock";
import type { EnvironmentStatus, EnvironmentSummary } from "./dto";
import type { EnvironmentSnapshot } from "./snapshot";

/** The fleet monitor's options, hooks and small helpers (lib/monitor/monitor.ts re-exports them). */

export type ConnectorFactory = (env: EnvironmentConfig, limits: CallLimits, refresh: RefreshConfig) => Connector;
/** Finds environments through a cloud control plane; called every `refresh.dags`. */
export type Discoverer = (signal: AbortSignal) => Promise<EnvironmentConfig[]>;

export interface MonitorOptions {
  config: FlightboardConfig;
  createConnector: ConnectorFactory;
  discoverers?: Discoverer[];
  clock?: Clock;
  /** Upstream calls in flight across the fleet. */
  globalConcurrency?: number;
  /** Upstream calls in flight per environment for the DAG-list and runs polls (health has its own lane). */
  perEnvironmentConcurrency?: number;
  /** On-demand DAG-run reads across the fleet (a pool of their own: they never take polling's slots). */
  globalReadConcurrency?: number;
  /** On-demand DAG-run reads per environment: in flight, and waiting before further ones get a 429. */
  readsPerEnvironment?: { running: number; waiting: number };
  maxResponseBytes?: number;
  /** Spread environments' polls over each interval (default true; tests that count windows turn it off). */
  stagger?: boolean;
  /** Called with every error that is a bug rather than an upstream failure. */
  onInternalError?: (e: unknown) => void;
  /** Called once each time an environment's status changes (the server logs it). */
  onStatusChange?: (change: StatusChange) => void;
  /** Called after every poll (metrics): how long it took, queueing included, and how it ended. */
  onPollDone?: (poll: PollDone) => void;
  /** Last stored summaries (history), shown stale until each environment's first poll (contract §7). */
  restored?: Map<string, EnvironmentSummary>;
  /**
   * Called after every poll with the environment and the finished runs seen since the last call
   * (history records them). Must not block: it only queues writes.
   */
  onPoll?: (poll: PollOutcome) => void;
}

export interface PollDone {
  environment: string;
  cadence: "health" | "runs" | "dags";
  seconds: number;
  /** `ok`, or the error code of what the poll recorded (`unreachable`, `timeout`, …). */
  outcome: string;
}

/** One finished poll, for history. */
export interface PollOutcome {
  /** The environment as published after this poll. */
  env: EnvironmentSnapshot;
  /** `stale`: no poll finished, the clock made the summary stale. */
  cadence: "health" | "runs" | "dags" | "stale";
  at: number;
  finishedRuns: DagRun[];
}

/** One environment moving from one status to another; `reason` is the error or first reason, if any. */
export interface StatusChange {
  id: string;
  from: EnvironmentStatus;
  to: EnvironmentStatus;
  reason: string | null;
}

/** Why, in a few words: the failing call for unreachable/unauthorized, else the first reason. */
export function statusReason(s: { status: EnvironmentStatus; reasons: string[]; error: { message: string } | null }): string | null {
  if (s.status === "healthy") return null;
  if (s.status === "unreachable" || s.status === "unauthorized") return s.error?.message ?? s.reasons[0] ?? null;
  return s.reasons[0] ?? s.error?.message ?? null;
}

/** `env sales-prod: healthy → unreachable (connection refused by 10.0.0.5:8080)`. */
export function statusChangeLine(c: StatusChange): string {
  return `env ${c.id}: ${c.from} → ${c.to}${c.reason ? ` (${c.reason})` : ""}`;
}

/** A stable offset in [0, interval / 2) per environment and cadence. */
export function phaseOf(id: string, cadence: string, intervalMs: number): number {
  let h = 0x811c9dc5;
  for (const ch of `${id}/${cadence}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193);
  return ((h >>> 0) % 1000) * (intervalMs / 2000);
}
