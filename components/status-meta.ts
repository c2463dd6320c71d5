import type { EnvironmentStatus, StatusCounts } from "@/lib/monitor/dto";

/** Severity order of contract §4 (worst first); views keep their own copy because they import DTO types only. */
export const STATUS_ORDER: readonly EnvironmentStatus[] = ["unhealthy", "unreachable", "unauthorized", "degraded", "unknown", "healthy"];

export const STATUS_LABEL: Record<EnvironmentStatus, string> = {
  healthy: "Healthy",
  degraded: "Degraded",
  unhealthy: "Unhealthy",
  unreachable: "Unreachable",
  unauthorized: "Unauthorized",
  unknown: "Unknown",
};

export function isStatus(s: string): s is EnvironmentStatus {
  return (STATUS_ORDER as readonly string[]).includes(s);
}

/** Anything that needs a person's attention: every status but healthy (unknown means "not polled yet"). */
export function isProblem(s: EnvironmentStatus): boolean {
  return s !== "healthy" && s !== "unknown";
}

export function emptyCounts(): StatusCounts {
  return { healthy: 0, degraded: 0, unhealthy: 0, unreachable: 0, unauthorized: 0, unknown: 0 };
}

/** Run states as the DAG pages show them (with StatusIcon and a colour class). */
export const RUN_STATE_LABEL = { success: "Success", failed: "Failed", running: "Running", queued: "Queued" } as const;

/** A control plane's raw state ("CREATE_FAILED") in words ("Create failed"); the raw code is shown beside it. */
export function platformStateLabel(state: string): string {
  const words = state.toLowerCase().replace(/_/g, " ").trim();
  return words ? words[0].toUpperCase() + words.slice(1) : state;
}
