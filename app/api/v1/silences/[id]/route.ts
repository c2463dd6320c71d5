import { apiError, handle, json } from "@/lib/server/api";
import { adminAccess } from "@/lib/server/alerts-api";
import { getFleet } from "@/lib/server/fleet";

/** `DELETE /api/v1/silences/{id}` (admins): lifts a silence; held notifications go out. */
export async function DELETE(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  return handle(async () => {
    const access = await adminAccess(req);
    if (access instanceof Response) return access;
    const { id } = await ctx.params;
    const { alerts } = await getFleet();
    if (!alerts || !(await alerts.removeSilence(id))) return apiError(404, "not_found", "no such silence");
    return json({ deleted: id });
  });
}
