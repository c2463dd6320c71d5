import { apiError, handle, json } from "@/lib/server/api";
import { apiAccess } from "@/lib/server/access";
import { adminOnly } from "@/lib/server/alerts-api";
import { getFleet } from "@/lib/server/fleet";

/** `DELETE /api/v1/silences/{id}` (admins): lifts a silence; held notifications go out. */
export async function DELETE(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  return handle(async () => {
    const access = await apiAccess(req);
    if (access instanceof Response) return access;
    const denied = adminOnly(access);
    if (denied) return denied;
    const { id } = await ctx.params;
    const { alerts } = await getFleet();
    if (!alerts || !(await alerts.removeSilence(id))) return apiError(404, "not_found", "no such silence");
    return json({ deleted: id });
  });
}
