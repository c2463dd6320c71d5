import { isAirflowError } from "@/lib/airflow/errors";
import { apiError, BadRequest, handle, isValidDagId, json } from "@/lib/server/api";
import { getFleet } from "@/lib/server/fleet";

function parseLimit(raw: string | null): number {
  if (raw === null) return 25;
  if (!/^\d{1,3}$/.test(raw) || Number(raw) < 1 || Number(raw) > 100) throw new BadRequest("limit must be an integer from 1 to 100");
  return Number(raw);
}

export async function GET(req: Request, ctx: { params: Promise<{ id: string; dagId: string }> }): Promise<Response> {
  return handle(async () => {
    const limit = parseLimit(new URL(req.url).searchParams.get("limit"));
    const { id, dagId } = await ctx.params;
    const { monitor } = await getFleet();
    const rt = monitor.runtime(id);
    if (!rt) return apiError(404, "not_found", `no environment with id "${id.slice(0, 80)}"`);
    // Ids that cannot be Airflow DAG ids, or DAGs the cached list does not have, never reach upstream.
    if (!isValidDagId(dagId) || (rt.dags && !rt.dags.has(dagId))) {
      return apiError(404, "not_found", `no DAG "${dagId.slice(0, 250)}" in environment "${id}"`);
    }
    try {
      const runs = await monitor.dagRuns(id, dagId, limit);
      return json({ runs: runs.map((r) => rt.runDto(r)) });
    } catch (e) {
      if (!isAirflowError(e)) throw e;
      if (e.kind === "not_found") return apiError(404, "not_found", `no DAG "${dagId}" in environment "${id}"`);
      if (e.kind === "throttled") return apiError(429, "throttled", e.message);
      return apiError(502, e.kind, `the environment did not answer: ${e.message}`);
    }
  });
}
