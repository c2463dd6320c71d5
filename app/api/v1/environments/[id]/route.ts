import { handle, intParam, json } from "@/lib/server/api";
import { visibleEnvironment } from "@/lib/server/access";
import { history } from "@/lib/server/history";
import type { EnvironmentDetail } from "@/lib/monitor/dto";
import { buildDetail } from "@/lib/monitor/views";

export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  return handle(async () => {
    const found = await visibleEnvironment(req, (await ctx.params).id);
    if (found instanceof Response) return found;
    const { env } = found;
    const detail: EnvironmentDetail = buildDetail(env);
    // Counted runs per hour (history, from memory): the exact chart of the environment page.
    const recent = history()?.recentRunsPerHour(env.id);
    if (recent) detail.runsPerHour = recent;
    // Contract §7: `?days=` (1–30) reads stored failed runs; without it the list is the cached 24 h.
    const params = new URL(req.url).searchParams;
    if (params.has("days")) {
      const days = intParam(params, "days", 1, 30, 1);
      const store = history();
      if (store) detail.recentFailures = await store.failures(env.id, days);
    }
    return json(detail);
  });
}
