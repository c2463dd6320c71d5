import { BadRequest, handle, json } from "@/lib/server/api";
import { getFleet } from "@/lib/server/fleet";
import { searchDags } from "@/lib/monitor/views";

export async function GET(req: Request): Promise<Response> {
  return handle(async () => {
    const q = new URL(req.url).searchParams.get("q")?.trim() ?? "";
    if (!q) throw new BadRequest("q is required");
    if (q.length > 250) throw new BadRequest("q must be at most 250 characters");
    const { monitor } = await getFleet();
    return json({ results: searchDags(monitor.runtimes(), q) });
  });
}
