import { apiError, BadRequest, handle, isValidDagId, json } from "@/lib/server/api";
import { visibleEnvironment } from "@/lib/server/access";
import { actionContext, perform, writer } from "@/lib/server/actions";
import { dagDto } from "@/lib/monitor/views";

/** One DAG from the cached list (an extension beside §12's PATCH); unknown or hidden → 404, as reads. */
export async function GET(req: Request, ctx: { params: Promise<{ id: string; dagId: string }> }): Promise<Response> {
  return handle(async () => {
    const { id, dagId } = await ctx.params;
    const found = await visibleEnvironment(req, id);
    if (found instanceof Response) return found;
    const dag = isValidDagId(dagId) ? found.env.dags?.get(dagId) : undefined;
    if (!dag) return apiError(404, "not_found", `no DAG "${dagId.slice(0, 250)}" in environment "${id}"`);
    return json(dagDto(found.env, dag));
  });
}

/** Contract §12: pauses or resumes a DAG; answers the DAG as it is after. */
export async function PATCH(req: Request, ctx: { params: Promise<{ id: string; dagId: string }> }): Promise<Response> {
  return handle(async () => {
    const { id, dagId } = await ctx.params;
    const c = await actionContext(req, id, dagId);
    if (c instanceof Response) return c;
    const paused = c.body.paused;
    if (typeof paused !== "boolean") throw new BadRequest("paused must be true or false");
    const setPaused = writer(c, "setPaused");
    if (setPaused instanceof Response) return setPaused;
    return perform(
      c,
      { action: paused ? "pause" : "resume", dagId, runId: null },
      (signal) => setPaused(dagId, paused, signal),
      {
        body: (dag) => {
          // Airflow's answer is the DAG as it is now: the cached list shows it at once.
          const env = c.monitor.noteDag(id, dag);
          if (env?.dags) return dagDto(env, dag);
          return { dagId: dag.dagId, paused: dag.paused, tags: dag.tags, owners: dag.owners, schedule: dag.schedule, nextRunAt: dag.nextRunAt, lastRun: null, url: null };
        },
        describe: (dag) => `Airflow says ${dag.dagId} is ${dag.paused ? "paused" : "active"}`,
      },
    );
  });
}
