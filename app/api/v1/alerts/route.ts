import { apiError, handle, json } from "@/lib/server/api";
import { apiAccess } from "@/lib/server/access";
import { isAdmin, visibleAlerts } from "@/lib/server/alerts-api";
import { getFleet } from "@/lib/server/fleet";

/** `GET /api/v1/alerts?state=firing|resolved&environment=ID` (contract §8), from memory. */
export async function GET(req: Request): Promise<Response> {
  return handle(async () => {
    const access = await apiAccess(req);
    if (access instanceof Response) return access;
    const p = new URL(req.url).searchParams;
    const state = p.get("state") ?? undefined;
    if (state !== undefined && state !== "firing" && state !== "resolved") return apiError(400, "bad_request", "state must be firing or resolved");
    const environmentId = p.get("environment") ?? undefined;
    const { monitor, alerts } = await getFleet();
    const admin = isAdmin(access.viewer);
    if (!alerts) return json({ alerts: [], channels: [], admin });
    return json({
      admin,
      alerts: visibleAlerts(alerts, monitor, access, { state, environmentId }),
      // Extension: the channels and whether each can send (names and types only, never a secret).
      channels: admin ? alerts.config.channels.map((c) => ({ name: c.name, type: c.type, disabled: c.disabled })) : [],
    });
  });
}
