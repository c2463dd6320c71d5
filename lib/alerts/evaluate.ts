import type { AlertsConfig } from "@/lib/config/alerts";
import { evaluateExpectations } from "./expectations";
import { evaluateRules } from "./rules";
import type { EnvView, Evaluation } from "./view";

/** Every rule and expectation against one snapshot at one instant. Pure. */
export function evaluate(config: Pick<AlertsConfig, "rules" | "expectations">, envs: readonly EnvView[], now: number): Evaluation {
  const out: Evaluation = { active: [], held: new Set() };
  evaluateRules(config.rules, envs, out);
  evaluateExpectations(config.expectations, envs, now, out);
  return out;
}
