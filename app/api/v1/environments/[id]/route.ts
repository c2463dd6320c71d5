import { apiError, handle, json } from "@/lib/server/api";
import { apiAccess, visibleRuntime } from "@/lib/server/access";
import { getFleet } from "@/lib/server/fleet";
import { buildDetail } from "@/lib/monitor/views";

export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  return handle(async () => {
    const access = await apiAccess(req);
    if (access instanceof Response) return access;
    const { id } = await ctx.params;
    const { monitor } = await getFleet();
    const rt = visibleRuntime(access, monitor.runtime(id));
    if (!rt) return apiError(404, "not_found", `no environment with id "${id.slice(0, 80)}"`);
    return json(buildDetail(rt));
  });
}
