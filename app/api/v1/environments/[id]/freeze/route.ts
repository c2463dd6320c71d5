import { handle } from "@/lib/server/api";
import { actionContext } from "@/lib/server/actions";
import { freeze } from "@/lib/server/freeze";

/** Issue 15: freeze an environment (operators only, audited); body `{}`. */
export async function POST(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  return handle(async () => {
    const { id } = await ctx.params;
    const c = await actionContext(req, id, null);
    if (c instanceof Response) return c;
    return freeze(c);
  });
}
