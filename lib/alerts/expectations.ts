import type { ExpectationConfig } from "@/lib/config/alerts";
import { occurrencesUpTo } from "./calendar";
import { globMatch } from "./match";
import { conditionKey, heldPrefix, type DagView, type EnvView, type Evaluation, type RunView } from "./view";

/**
 * `alerts.expectations` (contract §8), from what the monitor already polls. Stale or unreachable
 * data makes an expectation unknown (held), never missed. Each finding says why in plain words.
 */

const ms = (t: string | null | undefined): number | null => {
  if (!t) return null;
  const v = Date.parse(t);
  return Number.isNaN(v) ? null : v;
};

function isGlobPattern(p: string): boolean {
  return /[*?[\]{}!]/.test(p);
}

/** Whether an environment's data can be trusted for expectations right now. */
function envUnknown(env: EnvView): boolean {
  return !env.polled || env.stale || env.status === "unknown" || env.status === "unreachable" || env.status === "unauthorized";
}

function fmt(t: number): string {
  return new Date(t).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Why a DAG has no success in time, from its newest run and its environment. */
export function whyNoSuccess(env: EnvView, dag: DagView, since: number | null): string[] {
  const reasons: string[] = [];
  if (env.status === "unhealthy") reasons.push(`environment unhealthy${env.reasons.length ? `: ${env.reasons[0]}` : ""}`);
  if (dag.paused) reasons.push("DAG paused");
  const run = dag.newestRun;
  const at = run ? (ms(run.startDate) ?? ms(run.logicalDate)) : null;
  if (run?.state === "queued") reasons.push(`run ${run.runId} queued`);
  else if (run?.state === "running") reasons.push(`run ${run.runId} running since ${run.startDate ?? "?"}`);
  else if (run?.state === "failed" && (since === null || at === null || at >= since)) reasons.push(`run ${run.runId} failed`);
  else reasons.push("run never created");
  return reasons;
}

type Finding = { status: string; reasons: string[] } | null | "unknown";

function successEnd(r: RunView): number | null {
  return ms(r.endDate) ?? ms(r.startDate);
}

function judge(e: ExpectationConfig, env: EnvView, dag: DagView, now: number): Finding {
  switch (e.kind) {
    case "finishBy": {
      if (dag.lastSuccess === undefined) return "unknown";
      const [deadline, previous] = occurrencesUpTo(now, e.finishBy!, e.timezone, e.days, 2);
      if (deadline === undefined) return null;
      const end = dag.lastSuccess ? successEnd(dag.lastSuccess) : null;
      // Met when a run succeeded after the previous deadline (a late success counts: met late).
      if (end !== null && (previous === undefined || end > previous)) return null;
      return { status: "missed", reasons: [`no successful run by ${e.finishBy} ${e.timezone} (${fmt(deadline)})`, ...whyNoSuccess(env, dag, previous ?? null)] };
    }
    case "maxDuration": {
      const run = dag.newestRun;
      const start = run?.state === "running" ? ms(run.startDate) : null;
      if (start === null || now - start <= e.limitMinutes! * 60_000) return null;
      return { status: "too long", reasons: [`run ${run!.runId} running for ${Math.floor((now - start) / 60_000)} min (limit ${e.limitMinutes} min)`] };
    }
    case "freshness": {
      if (dag.lastSuccess === undefined) return "unknown";
      const end = dag.lastSuccess ? successEnd(dag.lastSuccess) : null;
      if (end !== null && now - end <= e.limitMinutes! * 60_000) return null;
      const age = end === null ? "no successful run known" : `last success ${fmt(end)}, ${Math.floor((now - end) / 3_600_000)} h ago`;
      return { status: "not fresh", reasons: [`${age} (limit ${e.limitMinutes! / 60} h)`, ...whyNoSuccess(env, dag, end)] };
    }
    case "scheduleMissed": {
      const due = ms(dag.nextRunAfter);
      if (due === null || dag.paused || !dag.active || now - due < e.limitMinutes! * 60_000) return null;
      const newest = dag.newestRun;
      const newestAt = newest ? (ms(newest.startDate) ?? ms(newest.logicalDate)) : null;
      if (newestAt !== null && newestAt >= due) return null;
      if (newest && (newest.state === "queued" || newest.state === "running") && newestAt === null) return null;
      return { status: "schedule missed", reasons: [`next run was due ${fmt(due)}, ${Math.floor((now - due) / 60_000)} min ago, and no run was created`] };
    }
  }
}

export function evaluateExpectations(expectations: readonly ExpectationConfig[], envs: readonly EnvView[], now: number, out: Evaluation): void {
  for (const e of expectations) {
    for (const env of envs) {
      if (!globMatch(e.environment, env.id)) continue;
      const dagIds = env.dagIds();
      if (envUnknown(env) || dagIds === null) {
        out.held.add(heldPrefix(e.name, env.id));
        continue;
      }
      const named = !isGlobPattern(e.dag);
      const ids = named ? [e.dag] : [...dagIds].filter((d) => globMatch(e.dag, d));
      for (const dagId of ids) {
        const dag = env.dag(dagId);
        // A glob covers the DAGs that run; a DAG named on purpose is reported even when paused.
        if (!dag || (!named && (dag.paused || !dag.active))) continue;
        const f = judge(e, env, dag, now);
        const key = conditionKey(e.name, env.id, dagId);
        if (f === "unknown") out.held.add(key);
        else if (f) {
          out.active.push({ key, rule: e.name, environmentId: env.id, dagId, status: f.status, reasons: f.reasons, channels: e.channels, forSeconds: 0, repeatMinutes: 0 });
        }
      }
    }
  }
}
