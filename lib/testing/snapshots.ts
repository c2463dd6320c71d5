import type { EnvironmentConfig } from "@/lib/config/types";
import type { EnvironmentSummary } from "@/lib/monitor/dto";
import { RunIndex } from "@/lib/monitor/run-store";
import { EnvironmentSnapshot } from "@/lib/monitor/snapshot";

/**
 * Hand-built environment snapshots for unit tests of readers (access checks, the event stream's
 * change tracker): what the monitor would publish for this configuration and summary, no DAGs, no runs.
 */
export function snapshotOf(config: Partial<EnvironmentConfig> & { id: string }, summary: Partial<EnvironmentSummary> = {}): EnvironmentSnapshot {
  const full: EnvironmentConfig = { name: config.id, tags: {}, target: { kind: "airflow", baseUrl: "http://x", apiVersion: "auto", auth: { type: "none" } }, ...config };
  return new EnvironmentSnapshot({
    config: full,
    summary: { id: full.id, name: full.name, tags: full.tags, ...summary } as EnvironmentSummary,
    statusSince: null,
    checkedAt: null,
    lastSuccessAt: null,
    showingRestored: false,
    dags: null,
    dagsAt: null,
    importErrors: null,
    runs: RunIndex.EMPTY,
    runsLoaded: false,
    runsAt: null,
    runsCursor: null,
    recentFailed: [],
    latencyHistory: [],
    uiUrl: null,
    apiVersion: null,
  });
}
