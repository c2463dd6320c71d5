import { apiError, handle, json } from "@/lib/server/api";
import { apiAccess } from "@/lib/server/access";
import { getFleet } from "@/lib/server/fleet";
import { history } from "@/lib/server/history";
import { incidentsFor } from "@/lib/server/history-api";

/** Contract §7: incidents, newest first, of the environments the viewer may see. */
export async function GET(req: Request): Promise<Response> {
  return handle(async () => {
    const access = await apiAccess(req);
    if (access instanceof Response) return access;
    const { monitor } = await getFleet();
    const store = history();
    if (!store) return apiError(503, "unavailable", "history is off on this server");
    return json(await incidentsFor(store, monitor, access, new URL(req.url).searchParams));
  });
}
