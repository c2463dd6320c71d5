import { apiError, handle, json } from "@/lib/server/api";
import { adminAccess, createdBy, parseSilence, silenceDto } from "@/lib/server/alerts-api";
import { getFleet } from "@/lib/server/fleet";

/** `GET /api/v1/silences` (admins): silences not yet expired. */
export async function GET(req: Request): Promise<Response> {
  return handle(async () => {
    const access = await adminAccess(req);
    if (access instanceof Response) return access;
    const { alerts } = await getFleet();
    return json({ silences: (alerts?.activeSilences() ?? []).map(silenceDto) });
  });
}

/** `POST /api/v1/silences` (admins): `{ environments, dags, until, comment }` → 201 with the silence. */
export async function POST(req: Request): Promise<Response> {
  return handle(async () => {
    const access = await adminAccess(req);
    if (access instanceof Response) return access;
    const { alerts } = await getFleet();
    if (!alerts) return apiError(400, "bad_request", "alerts are not configured");
    const body = await parseSilence(req, Date.now());
    const s = await alerts.addSilence({ ...body, createdBy: createdBy(access.viewer) });
    return json(silenceDto(s), 201);
  });
}
