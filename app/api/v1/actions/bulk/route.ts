import { handle } from "@/lib/server/api";
import { bulk } from "@/lib/server/bulk";

/** Bulk actions (README, Actions): many DAGs across environments in one confirmed request; per-item results. */
export async function POST(req: Request): Promise<Response> {
  return handle(() => bulk(req));
}
