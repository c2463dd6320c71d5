import { mayAct } from "@/lib/auth/operators";
import { apiError, BadRequest, handle, json } from "@/lib/server/api";
import { apiAccess, maySee } from "@/lib/server/access";
import { getFleet } from "@/lib/server/fleet";
import { history } from "@/lib/server/history";

/**
 * Contract §12: the audit log, newest first. Admins see every environment; operators only the
 * environments they may act on; everyone else is refused.
 */
export async function GET(req: Request): Promise<Response> {
  return handle(async () => {
    const access = await apiAccess(req);
    if (access instanceof Response) return access;
    const params = new URL(req.url).searchParams;
    const rawLimit = params.get("limit");
    if (rawLimit !== null && (!/^\d{1,4}$/.test(rawLimit) || Number(rawLimit) < 1 || Number(rawLimit) > 1000)) throw new BadRequest("limit must be an integer from 1 to 1000");
    const limit = rawLimit === null ? 100 : Number(rawLimit);
    const envFilter = params.get("environment");
    const { monitor, config } = await getFleet();
    const admin = access.viewer.kind === "user" && access.viewer.role === "admin";
    let ids: string[] | undefined;
    if (!admin) {
      ids = monitor.runtimes().filter((rt) => {
        if (!maySee(access, rt)) return false;
        const id = rt.config.id;
        const rule = access.policy.environmentAccess.has(id) ? access.policy.environmentAccess.get(id) : rt.config.access;
        return mayAct(config.actions?.enabled === true, access.policy.auth, access.viewer, rule).ok;
      }).map((rt) => rt.config.id);
      if (ids.length === 0) return apiError(403, "forbidden", "the audit log is for admins and operators");
    }
    if (envFilter !== null) ids = ids ? ids.filter((i) => i === envFilter) : [envFilter];
    const store = history()?.actionStore();
    if (!store) return apiError(503, "unavailable", "the audit log needs history, and history is off");
    return json({ entries: await store.list({ environmentIds: ids, limit }) });
  });
}
