import { handle } from "@/lib/server/api";
import { actionContext, type ActionContext } from "@/lib/server/actions";

/**
 * The POST handler of an action on a whole environment (freeze, thaw): the caller must be allowed
 * to act on it (operators only, audited), then `act` does the work; body `{}`.
 */
export function environmentAction(act: (c: ActionContext) => Promise<Response>) {
  return async function POST(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
    return handle(async () => {
      const { id } = await ctx.params;
      const c = await actionContext(req, id, null);
      if (c instanceof Response) return c;
      return act(c);
    });
  };
}
