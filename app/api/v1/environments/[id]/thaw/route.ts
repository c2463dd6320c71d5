import { thaw } from "@/lib/server/freeze";
import { environmentAction } from "../environment-action";

/** Issue 15: thaw an environment (operators only, audited); body `{}`. */
export const POST = environmentAction(thaw);
