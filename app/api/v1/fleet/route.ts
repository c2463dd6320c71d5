import { handle, jsonText, parseFleetFilter } from "@/lib/server/api";
import { apiAccess, visibilityFilter } from "@/lib/server/access";
import { getFleet } from "@/lib/server/fleet";
import { fleetJson } from "@/lib/server/snapshot";

export async function GET(req: Request): Promise<Response> {
  return handle(async () => {
    const access = await apiAccess(req);
    if (access instanceof Response) return access;
    const filter = parseFleetFilter(new URL(req.url).searchParams);
    const { monitor } = await getFleet();
    return jsonText(fleetJson(monitor, filter, visibilityFilter(access, monitor.environments())));
  });
}
