import { BadRequest, handle } from "@/lib/server/api";
import { actionContext, perform, writer } from "@/lib/server/actions";

/** Contract §12: clears the run's failed task instances (Airflow re-runs them); answers `{ cleared: N }`. */
export async function POST(req: Request, ctx: { params: Promise<{ id: string; dagId: string; runId: string }> }): Promise<Response> {
  return handle(async () => {
    const { id, dagId, runId } = await ctx.params;
    const c = await actionContext(req, id, dagId);
    if (c instanceof Response) return c;
    // Only failed task instances: clearing successful ones would re-run work that already succeeded.
    if (c.body.onlyFailed !== undefined && c.body.onlyFailed !== true) throw new BadRequest("onlyFailed must be true (only failed task instances are cleared)");
    if (runId.length === 0 || runId.length > 250 || /[\u0000-\u001f]/.test(runId)) throw new BadRequest("runId is not a valid Airflow run id");
    const clear = writer(c, "clearFailed");
    if (clear instanceof Response) return clear;
    return perform(
      c,
      { action: "clear", dagId, runId },
      (signal) => clear(dagId, runId, signal),
      { body: (n) => ({ cleared: n }), describe: (n) => `Airflow cleared ${n} failed task instance${n === 1 ? "" : "s"}` },
    );
  });
}
