import { freeze } from "@/lib/server/freeze";
import { environmentAction } from "../environment-action";

/** Issue 15: freeze an environment (operators only, audited); body `{}`. */
export const POST = environmentAction(freeze);
