import { apiError, handle, json } from "@/lib/server/api";
import { getFleet } from "@/lib/server/fleet";
import { buildDetail } from "@/lib/monitor/views";

export async function GET(_req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  return handle(async () => {
    const { id } = await ctx.params;
    const { monitor } = await getFleet();
    const rt = monitor.runtime(id);
    if (!rt) return apiError(404, "not_found", `no environment with id "${id.slice(0, 80)}"`);
    return json(buildDetail(rt, monitor.now()));
  });
}
