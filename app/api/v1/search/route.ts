import { BadRequest, handle, json } from "@/lib/server/api";
import { apiAccess, visibilityFilter } from "@/lib/server/access";
import { getFleet } from "@/lib/server/fleet";
import { searchFleet } from "@/lib/monitor/views";

export async function GET(req: Request): Promise<Response> {
  return handle(async () => {
    const access = await apiAccess(req);
    if (access instanceof Response) return access;
    const q = new URL(req.url).searchParams.get("q")?.trim() ?? "";
    if (!q) throw new BadRequest("q is required");
    if (q.length > 250) throw new BadRequest("q must be at most 250 characters");
    const { monitor } = await getFleet();
    const environments = monitor.environments();
    const visible = visibilityFilter(access, environments);
    return json(searchFleet(visible ? environments.filter(visible) : environments, q));
  });
}
