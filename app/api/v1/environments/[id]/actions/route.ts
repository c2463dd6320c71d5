import { frozenOf } from "@/lib/monitor/freezes";
import { handle, json } from "@/lib/server/api";
import { visibleEnvironment } from "@/lib/server/access";
import { actPermission } from "@/lib/server/actions";
import { getFleet } from "@/lib/server/fleet";

/** Issue 15: whether the caller may act here (the pages disable buttons with the reason), and any freeze. */
export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  return handle(async () => {
    const { id } = await ctx.params;
    const found = await visibleEnvironment(req, id);
    if (found instanceof Response) return found;
    const { access, env, monitor } = found;
    const d = actPermission(access, env, (await getFleet()).config);
    const writable = typeof monitor.connector(id)?.setPaused === "function";
    return json({
      allowed: d.ok && writable,
      reason: !d.ok ? d.reason : writable ? null : "this environment is read through a channel that cannot act",
      frozen: frozenOf(id),
    });
  });
}
