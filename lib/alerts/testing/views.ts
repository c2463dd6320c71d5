import type { DagView, EnvView, RunView } from "../view";

/** Plain-object environments for evaluator tests (the production view reads the monitor). */
export function envView(p: Partial<Omit<EnvView, "dagIds" | "dag">> & { id: string; dags?: DagView[] | null }): EnvView {
  const dags = p.dags === undefined ? [] : p.dags;
  const map = dags ? new Map(dags.map((d) => [d.dagId, d])) : null;
  return {
    name: p.id,
    tags: {},
    status: "healthy",
    reasons: [],
    stale: false,
    polled: true,
    uiUrl: "http://airflow.test",
    apiVersion: "v2",
    importErrors: 0,
    failingDags: [],
    ...p,
    dagIds: () => (map ? map.keys() : null),
    dag: (id) => map?.get(id),
  };
}

export function dagView(dagId: string, p: Partial<DagView> = {}): DagView {
  return { dagId, paused: false, active: true, nextRunAfter: null, newestRun: null, lastSuccess: null, ...p };
}

export function run(runId: string, state: RunView["state"], startDate: string | null, endDate: string | null = null): RunView {
  return { runId, state, logicalDate: startDate, startDate, endDate };
}
