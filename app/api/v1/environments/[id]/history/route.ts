import { apiError, handle, json } from "@/lib/server/api";
import { apiAccess, visibleRuntime } from "@/lib/server/access";
import { getFleet } from "@/lib/server/fleet";
import { history } from "@/lib/server/history";
import { historyFor } from "@/lib/server/history-api";

/** Contract §7: one environment's availability over a window (at most 500 points). */
export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  return handle(async () => {
    const access = await apiAccess(req);
    if (access instanceof Response) return access;
    const { id } = await ctx.params;
    const { monitor } = await getFleet();
    const rt = visibleRuntime(access, monitor.runtime(id));
    if (!rt) return apiError(404, "not_found", `no environment with id "${id.slice(0, 80)}"`);
    const store = history();
    if (!store) return apiError(503, "unavailable", "history is off on this server");
    return json(await historyFor(store, rt, new URL(req.url).searchParams, monitor.now()));
  });
}
