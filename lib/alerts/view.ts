import type { DagRunState } from "@/lib/airflow/types";
import type { EnvironmentStatus } from "@/lib/monitor/dto";
import type { AlertSubject } from "./records";

/**
 * What alert evaluation reads: a narrow view of the monitor's snapshot, so rules and expectations
 * are pure functions of (view, time) and tests drive them without a monitor.
 */

export interface RunView {
  runId: string;
  state: DagRunState;
  logicalDate: string | null;
  startDate: string | null;
  endDate: string | null;
}

export interface DagView {
  dagId: string;
  paused: boolean;
  active: boolean;
  /** When the scheduler creates the next run (v1 `next_dagrun_create_after`, v2 `next_dagrun_run_after`). */
  nextRunAfter: string | null;
  newestRun: RunView | null;
  /**
   * The most recently ended success; null = none exists; undefined = not known yet (the bounded
   * per-DAG look-up has not answered), which makes success-based expectations unknown.
   */
  lastSuccess: RunView | null | undefined;
}

export interface EnvView {
  id: string;
  name: string;
  tags: Record<string, string>;
  status: EnvironmentStatus;
  reasons: string[];
  stale: boolean;
  /**
   * True once this process has polled the environment. Until then (start-up, restart, restored
   * stale summaries) nothing about it opens or closes an alert.
   */
  polled: boolean;
  /** Airflow UI base and API version, for links. */
  uiUrl: string | null;
  apiVersion: "v1" | "v2" | null;
  importErrors: number | null;
  /** Failing DAG ids; null until the DAG list and runs are loaded. */
  failingDags: string[] | null;
  /** Every DAG id; null until the DAG list is loaded. */
  dagIds(): Iterable<string> | null;
  dag(dagId: string): DagView | undefined;
}

/** One subject for which a rule or an expectation holds right now. */
export interface Condition extends AlertSubject {
  /** `rule|environment|dag`: at most one open alert per key. */
  key: string;
  forSeconds: number;
}

export interface Evaluation {
  active: Condition[];
  /**
   * Keys (or `rule|environment|*` prefixes) whose truth is unknown now (not polled yet, stale,
   * unreachable): their open alerts stay open and nothing new fires for them.
   */
  held: Set<string>;
}

export function conditionKey(rule: string, environmentId: string, dagId: string | null): string {
  return `${rule}|${environmentId}|${dagId ?? ""}`;
}

/** Held entry covering every subject of a rule in one environment. */
export function heldPrefix(rule: string, environmentId: string): string {
  return `${rule}|${environmentId}|*`;
}

export function isHeld(held: Set<string>, key: string): boolean {
  if (held.has(key)) return true;
  const [rule, env] = key.split("|");
  return held.has(heldPrefix(rule!, env!));
}
