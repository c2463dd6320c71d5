import { ReadsBusy } from "@/lib/monitor/dag-run-reads";
import { apiError, BadRequest, handle, intParam, isValidDagId, json, upstreamErrorResponse } from "@/lib/server/api";
import { visibleEnvironment } from "@/lib/server/access";
import { actionContext, perform, writer } from "@/lib/server/actions";
import { DAG_RUNS_LIMIT } from "@/lib/vocabulary";

export async function GET(req: Request, ctx: { params: Promise<{ id: string; dagId: string }> }): Promise<Response> {
  return handle(async () => {
    const { id, dagId } = await ctx.params;
    const found = await visibleEnvironment(req, id, () => intParam(new URL(req.url).searchParams, "limit", 1, DAG_RUNS_LIMIT.max, DAG_RUNS_LIMIT.default));
    if (found instanceof Response) return found;
    const { env, monitor, input: limit } = found;
    // Ids that cannot be Airflow DAG ids, or DAGs the cached list does not have, never reach upstream.
    if (!isValidDagId(dagId) || (env.dags && !env.dags.has(dagId))) {
      return apiError(404, "not_found", `no DAG "${dagId.slice(0, 250)}" in environment "${id}"`);
    }
    try {
      // The request's signal: a client that goes away takes its queued upstream read with it.
      const runs = await monitor.dagRuns(id, dagId, limit, req.signal);
      return json({ runs: runs.map((r) => env.runDto(r)) });
    } catch (e) {
      if (e instanceof ReadsBusy) {
        const res = apiError(429, "throttled", e.message);
        res.headers.set("retry-after", String(e.retryAfterS));
        return res;
      }
      // Nobody is left to read an answer.
      if (req.signal.aborted) return apiError(499, "cancelled", "the request was cancelled");
      return upstreamErrorResponse(e, `no DAG "${dagId}" in environment "${id}"`);
    }
  });
}

/** Contract §12: triggers a run; answers the new DagRun (201). Operators only, audited, sent once. */
export async function POST(req: Request, ctx: { params: Promise<{ id: string; dagId: string }> }): Promise<Response> {
  return handle(async () => {
    const { id, dagId } = await ctx.params;
    const c = await actionContext(req, id, dagId);
    if (c instanceof Response) return c;
    const conf = c.body.conf ?? {};
    if (conf === null || typeof conf !== "object" || Array.isArray(conf)) throw new BadRequest("conf must be a JSON object");
    const note = c.body.note;
    if (note !== undefined && note !== null && (typeof note !== "string" || note.length > 1000)) throw new BadRequest("note must be a string of at most 1000 characters");
    const trigger = writer(c, "triggerRun");
    if (trigger instanceof Response) return trigger;
    return perform(
      c,
      { action: "trigger", dagId, runId: null, detail: { conf } },
      (signal) => trigger(dagId, { conf: conf as Record<string, unknown>, note: (note as string | null | undefined) ?? null }, signal),
      { status: 201, body: (run) => c.env.runDto(run), describe: (run) => `Airflow created run ${run.runId} (${run.state})`, runIdOf: (run) => run.runId },
    );
  });
}
