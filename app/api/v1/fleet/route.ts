import { handle, jsonText, parseFleetFilter } from "@/lib/server/api";
import { getFleet } from "@/lib/server/fleet";
import { fleetJson } from "@/lib/server/snapshot";

export async function GET(req: Request): Promise<Response> {
  return handle(async () => {
    const filter = parseFleetFilter(new URL(req.url).searchParams);
    const { monitor } = await getFleet();
    return jsonText(fleetJson(monitor, filter));
  });
}
