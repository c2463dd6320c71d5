import { handle, json } from "@/lib/server/api";
import { apiAccess } from "@/lib/server/access";
import { failingAcross } from "@/lib/server/bulk";
import { getFleet } from "@/lib/server/fleet";

/** The failing DAGs (latest finished run failed) of every environment the caller sees, from the cache: what the board's bulk selection offers. */
export async function GET(req: Request): Promise<Response> {
  return handle(async () => {
    const access = await apiAccess(req);
    if (access instanceof Response) return access;
    const { monitor } = await getFleet();
    return json(failingAcross(access, monitor.environments()));
  });
}
