import { BadRequest, handle, intParam, json } from "@/lib/server/api";
import { visibleEnvironment } from "@/lib/server/access";
import { buildDagList, DAG_SORTS, type DagQuery, type DagSort } from "@/lib/monitor/views";

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
  // Extensions for the DAG browser (all optional; without them the answer is the contract's).
  const tag = params.get("tag");
  if (tag !== null) query.tag = tag;
  const owner = params.get("owner");
  if (owner !== null) query.owner = owner;
  const sort = params.get("sort");
  if (sort !== null) {
    if (!(DAG_SORTS as readonly string[]).includes(sort)) throw new BadRequest(`sort must be one of ${DAG_SORTS.join(", ")}`);
    query.sort = sort as DagSort;
  }
  const dir = params.get("dir");
  if (dir !== null) {
    if (dir !== "asc" && dir !== "desc") throw new BadRequest("dir must be asc or desc");
    query.dir = dir;
  }
  query.offset = intParam(params, "offset", 0, 1_000_000, 0);
  // Without a limit the whole list is built (the contract's answer).
  if (params.get("limit")) query.limit = intParam(params, "limit", 1, 500, 500);
  return query;
}

export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  return handle(async () => {
    const found = await visibleEnvironment(req, (await ctx.params).id, () => parseQuery(new URL(req.url).searchParams));
    if (found instanceof Response) return found;
    return json(buildDagList(found.env, found.input));
  });
}
