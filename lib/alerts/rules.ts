import type { RuleConfig } from "@/lib/config/alerts";
import { selectsDag, selectsEnvironment } from "./match";
import { conditionKey, heldPrefix, type Condition, type EnvView, type Evaluation } from "./view";

/**
 * `alerts.rules`: which subjects each rule holds for in the current snapshot. Pure; the `for`
 * damping, firing and resolution are the life cycle's business (lifecycle.ts).
 */

/** Data about DAGs is unknown while the environment cannot be asked (or was never asked). */
function dagDataUnknown(env: EnvView): boolean {
  return env.stale || env.status === "unknown" || env.status === "unreachable" || env.status === "unauthorized";
}

export function evaluateRules(rules: readonly RuleConfig[], envs: readonly EnvView[], out: Evaluation): void {
  for (const rule of rules) {
    for (const env of envs) {
      if (!selectsEnvironment(rule.environments, env)) continue;
      const cond = (dagId: string | null, reasons: string[], status: string = env.status): Condition => ({
        key: conditionKey(rule.name, env.id, dagId),
        rule: rule.name,
        environmentId: env.id,
        dagId,
        status,
        reasons,
        channels: rule.channels,
        forSeconds: rule.forSeconds,
        repeatMinutes: rule.repeatMinutes,
      });
      const when = rule.when;
      if (env.status === "unknown" || !env.polled) {
        // Not polled yet (or just restarted): nothing can be said, nothing opens or closes.
        out.held.add(heldPrefix(rule.name, env.id));
        continue;
      }
      if ("status" in when) {
        if ((when.status as readonly string[]).includes(env.status)) out.active.push(cond(null, env.reasons));
      } else if ("stale" in when) {
        if (env.stale) out.active.push(cond(null, env.reasons.length ? env.reasons : ["data is stale"]));
      } else if ("importErrors" in when) {
        if (env.importErrors === null || dagDataUnknown(env)) out.held.add(heldPrefix(rule.name, env.id));
        else if (env.importErrors > 0) out.active.push(cond(null, [`${env.importErrors} import error${env.importErrors === 1 ? "" : "s"}`]));
      } else {
        if (env.failingDags === null || dagDataUnknown(env)) {
          out.held.add(heldPrefix(rule.name, env.id));
          continue;
        }
        for (const dagId of env.failingDags) {
          if (selectsDag(rule.dags, dagId)) out.active.push(cond(dagId, [`DAG ${dagId}: last run failed`], "failed"));
        }
      }
    }
  }
}
