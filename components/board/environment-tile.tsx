import Link from "next/link";
import type { EnvironmentSummary } from "@/lib/monitor/dto";
import { TID } from "@/lib/test-ids";
import { ageSeconds, formatAge, KIND_LABEL } from "../format";
import { StatusBadge, statusLabel } from "../status-badge";

/** One environment on the board: status, version, heartbeat age, counts and freshness. */
export function EnvironmentTile({ env, now }: { env: EnvironmentSummary; now: number }) {
  const heartbeat = formatAge(ageSeconds(env.schedulerHeartbeat, now));
  const checked = formatAge(ageSeconds(env.checkedAt, now));
  return (
    <Link
      href={`/environments/${encodeURIComponent(env.id)}`}
      className={`tile status-${env.status}`}
      data-testid={TID.tile}
      data-env-id={env.id}
      data-status={env.status}
      aria-label={`${env.name}: ${statusLabel(env.status)}${env.reasons[0] ? ` — ${env.reasons[0]}` : ""}`}
    >
      <div className="tile-head">
        <span className="tile-name" title={env.name}>{env.name}</span>
        <StatusBadge status={env.status} />
      </div>
      <div className="tile-meta">
        <span className="badge">{KIND_LABEL[env.kind]}</span>
        <span>Airflow {env.airflowVersion ?? "—"}</span>
        <span title="scheduler heartbeat age">♥ {heartbeat}</span>
        {env.stale && <strong>stale</strong>}
      </div>
      {env.reasons.length > 0 && env.status !== "unknown" && (
        <div className="tile-reason" title={env.reasons.join("\n")}>
          {env.reasons[0]}
          {env.reasons.length > 1 ? ` (+${env.reasons.length - 1})` : ""}
        </div>
      )}
      <div className="tile-meta">
        <span>{env.dags ? `${env.dags.active}/${env.dags.total} DAGs active` : "DAGs —"}</span>
        <span>{env.dags ? `${env.dags.failing} failing` : ""}</span>
        <span>{env.runs ? `${env.runs.running} running · ${env.runs.queued} queued` : "runs —"}</span>
        <span>{env.runs ? `24 h: ${env.runs.failed24h} failed / ${env.runs.succeeded24h} ok` : ""}</span>
      </div>
      <div className="tile-meta">
        <span>updated {checked} ago</span>
      </div>
    </Link>
  );
}
