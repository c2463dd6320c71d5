import { apiError, BadRequest, handle, json } from "@/lib/server/api";
import { apiAccess, visibleRuntime } from "@/lib/server/access";
import { getFleet } from "@/lib/server/fleet";
import { buildDagList, type DagQuery } from "@/lib/monitor/views";

function parseQuery(params: URLSearchParams): DagQuery {
  const query: DagQuery = {};
  const q = params.get("q");
  if (q) query.q = q;
  const state = params.get("state");
  if (state !== null) {
    if (state !== "failed" && state !== "running" && state !== "success") throw new BadRequest("state must be failed, running or success");
    query.state = state;
  }
  const paused = params.get("paused");
  if (paused !== null) {
    if (paused !== "true" && paused !== "false") throw new BadRequest("paused must be true or false");
    query.paused = paused === "true";
  }
  return query;
}

export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  return handle(async () => {
    const access = await apiAccess(req);
    if (access instanceof Response) return access;
    const query = parseQuery(new URL(req.url).searchParams);
    const { id } = await ctx.params;
    const { monitor } = await getFleet();
    const rt = visibleRuntime(access, monitor.runtime(id));
    if (!rt) return apiError(404, "not_found", `no environment with id "${id.slice(0, 80)}"`);
    return json(buildDagList(rt, query));
  });
}
