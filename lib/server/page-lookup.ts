import "server-only";
import { notFound } from "next/navigation";
import type { Viewer } from "@/lib/auth/policy";
import { currentPolicy } from "@/lib/auth/policy-store";
import { visibleTo } from "./access";
import { isValidDagId } from "./api";
import { getFleet } from "./fleet";

/**
 * Real 404s for pages (issue 11): the page answers HTTP 404 with the friendly "Not found" panel
 * when the environment is unknown or hidden from this viewer (hidden looks exactly like missing,
 * as in the API), or the DAG is not in the environment's cached DAG list. Reads only the monitor's
 * memory; never waits on Airflow.
 */
export async function requireEnvironment(viewer: Viewer, id: string): Promise<void> {
  const { monitor } = await getFleet();
  if (!visibleTo({ viewer, policy: currentPolicy() }, monitor.environment(id))) notFound();
}

/** As requireEnvironment, and the DAG must be a valid id the environment lists (when its list is known). */
export async function requireDag(viewer: Viewer, id: string, dagId: string): Promise<void> {
  const { monitor } = await getFleet();
  const env = visibleTo({ viewer, policy: currentPolicy() }, monitor.environment(id));
  // Before the first DAG list arrives the DAG cannot be judged; the page shows its own loading state.
  if (!env || !isValidDagId(dagId) || (env.dags && !env.dags.has(dagId))) notFound();
}
