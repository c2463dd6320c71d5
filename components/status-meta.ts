import type { EnvironmentStatus } from "@/lib/vocabulary";

/** The statuses in words (their order is ENVIRONMENT_STATUSES in lib/vocabulary). */
export const STATUS_LABEL: Record<EnvironmentStatus, string> = {
  healthy: "Healthy",
  degraded: "Degraded",
  unhealthy: "Unhealthy",
  unreachable: "Unreachable",
  unauthorized: "Unauthorized",
  unknown: "Unknown",
};

/** Run states as the DAG pages show them (with StatusIcon and a colour class). */
export const RUN_STATE_LABEL = { success: "Success", failed: "Failed", running: "Running", queued: "Queued" } as const;

/** A control plane's raw state ("CREATE_FAILED") in words ("Create failed"); the raw code is shown beside it. */
export function platformStateLabel(state: string): string {
  const words = state.toLowerCase().replace(/_/g, " ").trim();
  return words ? words[0].toUpperCase() + words.slice(1) : state;
}
