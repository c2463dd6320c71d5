import { handle, json } from "@/lib/server/api";
import { apiAccess } from "@/lib/server/access";
import { actingScope } from "@/lib/server/bulk";
import { getFleet } from "@/lib/server/fleet";

/** Whether the caller may act anywhere it sees, else the reason (README, Actions); from memory only. */
export async function GET(req: Request): Promise<Response> {
  return handle(async () => {
    const access = await apiAccess(req);
    if (access instanceof Response) return access;
    const { monitor, config } = await getFleet();
    return json(actingScope({ access, monitor, config }));
  });
}
