import { memo } from "react";
import type { EnvironmentSummary } from "@/lib/monitor/dto";
import { TID } from "@/lib/test-ids";
import { KIND_LABEL, plural } from "../format";
import { knowledgeOf } from "../knowledge";
import { StatusIcon } from "../status-icon";
import { STATUS_LABEL } from "../status-meta";
import type { Density } from "./wall-layout";

/** The one line that says most about an environment: its worst reason, or what it is when healthy. */
function headline(env: EnvironmentSummary): string {
  if (env.status === "unknown") return "waiting for the first check";
  if (env.reasons.length > 0) return env.reasons[0] + (env.reasons.length > 1 ? ` (+${env.reasons.length - 1})` : "");
  const version = `Airflow ${env.airflowVersion ?? "—"}`;
  return env.kind === "airflow" ? version : `${KIND_LABEL[env.kind]} · ${version}`;
}

/** Kept short enough for the narrowest full tile; the headline carries import errors and the rest. */
function counts(env: EnvironmentSummary): string {
  const parts: string[] = [];
  // Failing needs both the DAG list and the runs; an unknown count is left out, never shown as 0.
  if (env.dags && knowledgeOf(env, "dags", "runs") !== "unknown") parts.push(`${plural(env.dags.failing, "failing DAG")}`);
  if (env.runs && knowledgeOf(env, "runs") !== "unknown") parts.push(`${env.runs.running} running`);
  if (!parts.length) return "no DAG data yet";
  return knowledgeOf(env, "dags", "runs") === "current" ? parts.join(" · ") : `${parts.join(" · ")} (last known)`;
}

/**
 * One environment on the wall, readable from across the room: everything is printed, nothing
 * waits for a hover. Richer densities add the headline (worst reason) and the counts.
 */
export const WallTile = memo(function WallTile({ env, density }: { env: EnvironmentSummary; density: Density }) {
  return (
    <div
      className={`wt wt-${density} status-${env.status}${env.stale ? " wt-stale" : ""}`}
      data-testid={TID.tile}
      data-env-id={env.id}
      data-status={env.status}
      role="listitem"
      aria-label={`${env.name}: ${STATUS_LABEL[env.status]}${env.reasons[0] ? `, ${env.reasons[0]}` : ""}`}
    >
      <div className="wt-name">{env.name}</div>
      <div className="wt-status">
        <StatusIcon status={env.status} />
        <span>{STATUS_LABEL[env.status]}</span>
        {env.stale && <span className="wt-stale-tag">stale</span>}
      </div>
      {density !== "mini" && <div className="wt-line wt-headline">{headline(env)}</div>}
      {density === "full" && <div className="wt-line wt-counts">{counts(env)}</div>}
    </div>
  );
});
