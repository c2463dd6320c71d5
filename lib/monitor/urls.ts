import type { ApiVersion } from "@/lib/airflow/types";

/** Deep links into an environment's own Airflow UI (contract §4). Every segment is URL-encoded. */
export function dagRunUrl(uiUrl: string | null, api: ApiVersion | null, dagId: string, runId: string): string | null {
  if (!uiUrl || !api) return null;
  const dag = encodeURIComponent(dagId);
  return api === "v1"
    ? `${uiUrl}/dags/${dag}/grid?dag_run_id=${encodeURIComponent(runId)}`
    : `${uiUrl}/dags/${dag}/runs/${encodeURIComponent(runId)}`;
}

export function dagUrl(uiUrl: string | null, api: ApiVersion | null, dagId: string): string | null {
  if (!uiUrl || !api) return null;
  const dag = encodeURIComponent(dagId);
  return api === "v1" ? `${uiUrl}/dags/${dag}/grid` : `${uiUrl}/dags/${dag}`;
}
