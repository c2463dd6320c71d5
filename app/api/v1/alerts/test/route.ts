import { apiError, handle, json } from "@/lib/server/api";
import { adminAccess } from "@/lib/server/alerts-api";
import { getFleet } from "@/lib/server/fleet";
import { iso } from "@/lib/monitor/clock";

/** `POST /api/v1/alerts/test?channel=NAME` (admins): sends a `test` notification now and says how it went. */
export async function POST(req: Request): Promise<Response> {
  return handle(async () => {
    const access = await adminAccess(req);
    if (access instanceof Response) return access;
    const name = new URL(req.url).searchParams.get("channel");
    if (!name) return apiError(400, "bad_request", "channel is required");
    const { alerts } = await getFleet();
    if (!alerts?.config.channels.some((c) => c.name === name)) return apiError(404, "not_found", `no channel named "${name.slice(0, 100)}"`);
    const a = await alerts.sendTest(name);
    return json({ channel: a.channel, at: iso(a.at), ok: a.ok, error: a.error }, a.ok ? 200 : 502);
  });
}
