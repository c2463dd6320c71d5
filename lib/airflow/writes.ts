import { asAirflowError, errorFromStatus, isApiGone, sendRequest } from "./client";
import { AirflowError } from "./errors";
import { reshapeDag, reshapeRun } from "./reshape";
import type { ApiRequest, Transport } from "./transport";
import type { ApiVersion, Dag, DagRun } from "./types";

/**
 * The three writes Flightboard's actions send, shaped exactly as the Airflow 2 (`/api/v1`) and
 * Airflow 3 (`/api/v2`) OpenAPI specs define them (../shared/airflow-api/):
 * - trigger: `POST /dags/{id}/dagRuns`; Airflow 3 requires `logical_date` (null: "now, no logical date");
 * - clear: `POST /dags/{id}/clearTaskInstances` with `dag_run_id`, `only_failed`, and `dry_run: false`
 *   (both versions default `dry_run` to true, which would clear nothing);
 * - pause/unpause: `PATCH /dags/{id}` `{is_paused}` with `update_mask=is_paused` (Airflow 2 would
 *   otherwise validate the body as a whole DAG).
 * Each write is sent once: nothing here retries, since after a timeout the call may have happened.
 */

export interface TriggerInput {
  conf: Record<string, unknown>;
  note?: string | null;
}

export interface AirflowWriteClient {
  triggerRun(version: ApiVersion, dagId: string, input: TriggerInput, signal: AbortSignal): Promise<DagRun>;
  /** Number of task instances Airflow cleared. */
  clearFailed(version: ApiVersion, dagId: string, runId: string, signal: AbortSignal): Promise<number>;
  setPaused(version: ApiVersion, dagId: string, paused: boolean, signal: AbortSignal): Promise<Dag>;
}

/** The request bodies (writes.sim.test.ts checks what Airflow receives against its OpenAPI spec). */
function triggerRequest(version: ApiVersion, dagId: string, input: TriggerInput): ApiRequest {
  const body: Record<string, unknown> = { conf: input.conf };
  if (version === "v2") body.logical_date = null;
  // `note` exists since Airflow 2.5; left out when empty so older servers accept the body.
  if (input.note) body.note = input.note;
  return { method: "POST", version, path: `/dags/${encodeURIComponent(dagId)}/dagRuns`, body };
}

function clearRequest(version: ApiVersion, dagId: string, runId: string): ApiRequest {
  return {
    method: "POST",
    version,
    path: `/dags/${encodeURIComponent(dagId)}/clearTaskInstances`,
    body: { dag_run_id: runId, only_failed: true, dry_run: false },
  };
}

function pauseRequest(version: ApiVersion, dagId: string, paused: boolean): ApiRequest {
  return {
    method: "PATCH",
    version,
    path: `/dags/${encodeURIComponent(dagId)}`,
    query: version === "v1" ? { update_mask: "is_paused" } : undefined,
    body: { is_paused: paused },
  };
}

export function createAirflowWriteClient(transport: Transport): AirflowWriteClient {
  const send = async (req: ApiRequest, what: string, signal: AbortSignal): Promise<unknown> => {
    const res = await sendRequest(transport, req, signal);
    if (res.status >= 200 && res.status < 300) return res.json;
    const err = errorFromStatus(res.status, res.json, what);
    // A 404 from an existing API names the DAG or run; the API root missing stays `http` (re-detection).
    if (res.status === 404 && !isApiGone(res.json)) {
      throw new AirflowError({ kind: "not_found", message: err.message, httpStatus: 404, cause: err });
    }
    throw new AirflowError({ kind: err.kind, message: err.message, httpStatus: err.httpStatus, cause: err });
  };
  const reshape = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      throw asAirflowError(e);
    }
  };

  return {
    async triggerRun(version, dagId, input, signal) {
      const json = await send(triggerRequest(version, dagId, input), `triggering ${dagId}`, signal);
      return reshape(() => reshapeRun(json));
    },
    async clearFailed(version, dagId, runId, signal) {
      const json = await send(clearRequest(version, dagId, runId), `clearing run ${runId} of ${dagId}`, signal);
      const tis = (json as { task_instances?: unknown } | undefined)?.task_instances;
      if (!Array.isArray(tis)) {
        throw new AirflowError({ kind: "bad_response", message: "Airflow's clearTaskInstances answer has no task_instances list" });
      }
      return tis.length;
    },
    async setPaused(version, dagId, paused, signal) {
      const json = await send(pauseRequest(version, dagId, paused), `${paused ? "pausing" : "resuming"} ${dagId}`, signal);
      return reshape(() => reshapeDag(version, json));
    },
  };
}
