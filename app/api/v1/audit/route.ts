import { apiError, BadRequest, handle, intParam, json } from "@/lib/server/api";
import { apiAccess, maySee } from "@/lib/server/access";
import { getFleet } from "@/lib/server/fleet";
import { history } from "@/lib/server/history";
import { ACTION_NAMES, actPermission } from "@/lib/server/actions";

const AUDITED_ACTIONS: readonly string[] = ACTION_NAMES;

/**
 * Contract §12: the audit log, newest first. Admins see every environment; operators (and operator
 * API tokens) only the environments they may act on; everyone else is refused. Extensions: filters
 * `action` and `outcome` (ok, failed, pending), paging with `offset` and the answer's `nextOffset`.
 */
export async function GET(req: Request): Promise<Response> {
  return handle(async () => {
    const access = await apiAccess(req);
    if (access instanceof Response) return access;
    const params = new URL(req.url).searchParams;
    const limit = intParam(params, "limit", 1, 1000, 100);
    const envFilter = params.get("environment");
    const action = params.get("action") ?? undefined;
    if (action !== undefined && !AUDITED_ACTIONS.includes(action)) throw new BadRequest(`action must be one of ${AUDITED_ACTIONS.join(", ")}`);
    const outcome = params.get("outcome") ?? undefined;
    if (outcome !== undefined && outcome !== "ok" && outcome !== "failed" && outcome !== "pending") throw new BadRequest("outcome must be ok, failed or pending");
    const offset = intParam(params, "offset", 0, 999_999, 0);
    const { monitor, config } = await getFleet();
    const admin = access.viewer.kind === "user" && access.viewer.role === "admin";
    let ids: string[] | undefined;
    if (!admin) {
      ids = monitor
        .environments()
        .filter((env) => maySee(access, env) && actPermission(access, env, config).ok)
        .map((env) => env.id);
      if (ids.length === 0) return apiError(403, "forbidden", "the audit log is for admins and operators");
    }
    if (envFilter !== null) ids = ids ? ids.filter((i) => i === envFilter) : [envFilter];
    const store = history()?.actionStore();
    if (!store) return apiError(503, "unavailable", "the audit log needs history, and history is off");
    // One more than asked says whether another page follows (extension: `nextOffset`).
    const rows = await store.list({ environmentIds: ids, limit: limit + 1, action, outcome, offset });
    return json({ entries: rows.slice(0, limit), nextOffset: rows.length > limit ? offset + limit : null });
  });
}
