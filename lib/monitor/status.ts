import type { Health, PlatformInfo } from "@/lib/airflow/types";
import type { EnvironmentError, EnvironmentStatus } from "./dto";
import { formatAge } from "@/lib/duration-format";

/**
 * Contract §3, in one pure function: the first matching rule gives `status`; `reasons` lists every
 * rule that matched, most severe first.
 */

export interface StatusInput {
  now: number;
  /** `refresh.health` in ms. */
  healthIntervalMs: number;
  /** When the last health poll finished; null if never. */
  checkedAt: number | null;
  /** When monitoring of this environment began. */
  monitoredSince: number;
  /** When a health poll last got a usable answer (health JSON, or a broken control-plane state). */
  lastSuccessAt: number | null;
  /** Error of the last health poll (control plane, health or version call); null when it answered. */
  pollError: EnvironmentError | null;
  /** Control-plane state of the last poll, classed by its connector; null without a control plane or when unknown. */
  platform: Pick<PlatformInfo, "state" | "class" | "label"> | null;
  /** Health of the last poll when it answered; null otherwise. */
  health: Health | null;
  /** Errors of the last DAG-list, import-error and run polls. */
  dataErrors: EnvironmentError[];
  importErrors: number | null;
  failingDags: number | null;
}

export interface StatusResult {
  status: EnvironmentStatus;
  reasons: string[];
  stale: boolean;
}

function ageSeconds(now: number, isoTime: string | null): number | null {
  if (!isoTime) return null;
  const t = Date.parse(isoTime);
  return Number.isNaN(t) ? null : Math.max(0, Math.round((now - t) / 1000));
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function componentReason(name: string, heartbeat: string | null, now: number, source?: Health["source"]): string {
  const age = ageSeconds(now, heartbeat);
  if (source === "cli") return `${name} unhealthy (Airflow CLI jobs check: no alive job)`;
  if (heartbeat === null) return `${name} unhealthy (no heartbeat)`;
  return `${name} heartbeat ${formatAge(age)} old`;
}

/**
 * When the environment turns stale unless a poll succeeds first: 3 × `refresh.health` after the last
 * success (or after monitoring began). Null while it is `unknown` (never polled), which is never stale.
 */
export function staleAt(input: Pick<StatusInput, "checkedAt" | "lastSuccessAt" | "monitoredSince" | "healthIntervalMs">): number | null {
  if (input.checkedAt === null) return null;
  return (input.lastSuccessAt ?? input.monitoredSince) + 3 * input.healthIntervalMs;
}

export function computeStatus(input: StatusInput): StatusResult {
  const { now } = input;
  const due = staleAt(input);
  if (due === null) return { status: "unknown", reasons: ["not polled yet"], stale: false };

  // Never having succeeded counts from when monitoring of this environment began.
  const since = input.lastSuccessAt ?? input.monitoredSince;
  const isStale = now >= due;

  const unhealthy: string[] = [];
  const unreachable: string[] = [];
  const unauthorized: string[] = [];
  const degraded: string[] = [];

  const p = input.platform;
  const platformClass = p?.class ?? "ok";
  if (platformClass === "broken") unhealthy.push(`${p!.label} is ${p!.state}`);
  if (platformClass === "transition") degraded.push(`${p!.label} is ${p!.state}`);

  const err = input.pollError;
  if (err) {
    if (err.code === "auth" || err.code === "missing_secret") unauthorized.push(err.message);
    else if (platformClass !== "broken") unreachable.push(err.message);
  }

  const h = input.health;
  if (h && !err) {
    if (h.metadatabase === "unhealthy") unhealthy.push("metadatabase unhealthy");
    if (h.scheduler === "unhealthy") unhealthy.push(componentReason("scheduler", h.schedulerHeartbeat, now, h.source));
    if (h.triggerer === "unhealthy") degraded.push(componentReason("triggerer", h.triggererHeartbeat, now, h.source));
    if (h.dagProcessor === "unhealthy") degraded.push(componentReason("DAG processor", h.dagProcessorHeartbeat, now));
  }

  for (const e of input.dataErrors) {
    if (e.code === "auth" || e.code === "missing_secret") unauthorized.push(e.message);
    // Short enough for two lines of a wall tile with a typical message ("Airflow answered HTTP 500").
    else degraded.push(`data calls failing: ${e.message}`);
  }
  if (input.importErrors) degraded.push(plural(input.importErrors, "import error"));
  if (input.failingDags) degraded.push(plural(input.failingDags, "failing DAG"));
  if (isStale) {
    degraded.push(`stale: no successful poll for ${Math.round((now - since) / 1000)} s`);
  }

  const reasons = [...new Set([...unhealthy, ...unreachable, ...unauthorized, ...degraded])];
  let status: EnvironmentStatus = "healthy";
  if (unreachable.length) status = "unreachable";
  else if (unhealthy.length) status = "unhealthy";
  else if (unauthorized.length) status = "unauthorized";
  else if (degraded.length) status = "degraded";
  return { status, reasons, stale: isStale };
}
