import { frozenOf } from "@/lib/monitor/freezes";
import { apiError, handle, json } from "@/lib/server/api";
import { apiAccess, visibleRuntime } from "@/lib/server/access";
import { actPermission } from "@/lib/server/actions";
import { getFleet } from "@/lib/server/fleet";

/** Issue 15: whether the caller may act here (the pages disable buttons with the reason), and any freeze. */
export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  return handle(async () => {
    const access = await apiAccess(req);
    if (access instanceof Response) return access;
    const { id } = await ctx.params;
    const { monitor, config } = await getFleet();
    const rt = visibleRuntime(access, monitor.runtime(id));
    if (!rt) return apiError(404, "not_found", `no environment with id "${id.slice(0, 80)}"`);
    const d = actPermission(access, rt, config);
    const writable = typeof rt.connector.setPaused === "function";
    return json({
      allowed: d.ok && writable,
      reason: !d.ok ? d.reason : writable ? null : "this environment is read through a channel that cannot act",
      frozen: frozenOf(id),
    });
  });
}
