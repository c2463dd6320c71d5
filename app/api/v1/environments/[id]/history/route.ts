import { apiError, handle, json } from "@/lib/server/api";
import { visibleEnvironment } from "@/lib/server/access";
import { history } from "@/lib/server/history";
import { historyFor } from "@/lib/server/history-api";

/** Contract §7: one environment's availability over a window (at most 500 points). */
export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  return handle(async () => {
    const found = await visibleEnvironment(req, (await ctx.params).id);
    if (found instanceof Response) return found;
    const store = history();
    if (!store) return apiError(503, "unavailable", "history is off on this server");
    return json(await historyFor(store, found.env, new URL(req.url).searchParams, found.monitor.now()));
  });
}
