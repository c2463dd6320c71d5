import { apiError, handle, intParam, json } from "@/lib/server/api";
import { apiAccess, visibleRuntime } from "@/lib/server/access";
import { getFleet } from "@/lib/server/fleet";
import { history } from "@/lib/server/history";
import type { EnvironmentDetail } from "@/lib/monitor/dto";
import { buildDetail } from "@/lib/monitor/views";

export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  return handle(async () => {
    const access = await apiAccess(req);
    if (access instanceof Response) return access;
    const { id } = await ctx.params;
    const { monitor } = await getFleet();
    const rt = visibleRuntime(access, monitor.runtime(id));
    if (!rt) return apiError(404, "not_found", `no environment with id "${id.slice(0, 80)}"`);
    const detail: EnvironmentDetail = buildDetail(rt);
    // Counted runs per hour (history, from memory): the exact chart of the environment page.
    const recent = history()?.recentRunsPerHour(rt.config.id);
    if (recent) detail.runsPerHour = recent;
    // Contract §7: `?days=` (1–30) reads stored failed runs; without it the list is the cached 24 h.
    const params = new URL(req.url).searchParams;
    if (params.has("days")) {
      const days = intParam(params, "days", 1, 30, 1);
      const store = history();
      if (store) detail.recentFailures = await store.failures(rt.config.id, days);
    }
    return json(detail);
  });
}
