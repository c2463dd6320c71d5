import { handle, json } from "@/lib/server/api";
import { apiAccess } from "@/lib/server/access";

/**
 * Extension: who the caller is, for the page header ("signed in as …") and for scripts checking a
 * token. Never includes a secret: for a display token only its name.
 */
export async function GET(req: Request): Promise<Response> {
  return handle(async () => {
    const access = await apiAccess(req);
    if (access instanceof Response) return access;
    const v = access.viewer;
    switch (v.kind) {
      case "open":
        return json({ kind: "anonymous", authentication: "disabled" });
      case "user":
        return json({ kind: "user", name: v.identity.name, email: v.identity.email, role: v.role, provider: v.identity.provider, groups: v.identity.groups });
      case "display":
        return json({ kind: "display", name: v.token.name, tags: v.token.tags });
      case "token":
        return json({ kind: "token", name: v.token.name, role: v.token.role, tags: v.token.tags });
    }
  });
}
