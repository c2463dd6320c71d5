import Link from "next/link";
import { memo } from "react";
import type { EnvironmentSummary } from "@/lib/monitor/dto";
import { TID } from "@/lib/test-ids";
import { Bell } from "../alerts/bell";
import { Age } from "../age";
import { KIND_LABEL, plural } from "../format";
import type { Knowledge } from "@/lib/monitor/dto";
import { knowledgeClass, knowledgeOf } from "../knowledge";
import { StatusBadge, statusLabel } from "../status-badge";
import { platformStateLabel } from "../status-meta";

function Stat({ label, value, alert, knowledge }: { label: string; value: number | null; alert?: boolean; knowledge: Knowledge }) {
  // Unknown is "—" (never a 0 that reads as "all clear"); last-known is muted.
  const v = knowledge === "unknown" ? null : value;
  return (
    <div className={`stat${alert && v ? " stat-alert" : ""} ${knowledgeClass(knowledge)}`.trim()} data-knowledge={knowledge}>
      <span className="stat-value">{v ?? "—"}</span>
      <span className="stat-label">{label}</span>
    </div>
  );
}

/** 24 h failed vs succeeded as a bar; the numbers next to it carry the information. */
function RunsBar({ failed, succeeded }: { failed: number; succeeded: number }) {
  const total = failed + succeeded;
  const failedPct = total === 0 ? 0 : Math.max(failed > 0 ? 3 : 0, Math.round((failed / total) * 100));
  return (
    <div className="runs24">
      <div className="runs24-bar" aria-hidden="true">
        {total > 0 && <span className="runs24-failed" style={{ width: `${failedPct}%` }} />}
        {total > 0 && <span className="runs24-ok" style={{ width: `${100 - failedPct}%` }} />}
      </div>
      <span className="runs24-text">
        24 h: <strong className={failed > 0 ? "text-failed" : undefined}>{failed} failed</strong> / {succeeded} succeeded
      </span>
    </div>
  );
}

/**
 * One environment on the board: status (word, icon, colour), kind, version, heartbeat age, the
 * counts that say where to look, and how fresh the data is. The whole tile links to the
 * environment page; its DAG count opens the DAG browser. Memoized: TanStack Query keeps unchanged environments referentially equal
 * across updates, so an update re-renders only the tiles that changed.
 */
export const EnvironmentTile = memo(function EnvironmentTile({ env, firingAlerts = 0 }: { env: EnvironmentSummary; firingAlerts?: number }) {
  const descId = `tile-desc-${env.id}`;
  const showReason = env.reasons.length > 0 && env.status !== "unknown";
  const dagsK = knowledgeOf(env, "dags");
  const runsK = knowledgeOf(env, "runs");
  const failingK = knowledgeOf(env, "dags", "runs");
  return (
    <div
      className={`tile status-${env.status}${env.stale ? " is-stale" : ""}`}
      data-testid={TID.tile}
      data-env-id={env.id}
      data-status={env.status}
    >
      {/* The whole tile is this link (stretched over it by CSS); the DAG count is a second link on top. */}
      <Link
        href={`/environments/${encodeURIComponent(env.id)}`}
        // 300 tiles must not mean 300 prefetches of dynamic pages on every board load.
        prefetch={false}
        className="tile-link"
        aria-label={`${env.name}: ${statusLabel(env.status)}`}
        aria-describedby={descId}
      />
      <div className="tile-head">
        <span className="tile-name">{env.name}</span>
        {firingAlerts > 0 && (
          <span className="tile-alerts" data-testid={TID.tileAlerts} title={`${firingAlerts} firing ${firingAlerts === 1 ? "alert" : "alerts"}`}>
            <Bell /> {firingAlerts}
            <span className="sr-only"> firing {firingAlerts === 1 ? "alert" : "alerts"}</span>
          </span>
        )}
        <StatusBadge status={env.status} />
      </div>
      <div id={descId} className="tile-body">
        <div className="tile-meta">
          <span className="badge" data-kind={env.kind}>{KIND_LABEL[env.kind]}</span>
          <span>Airflow {env.airflowVersion ?? "—"}</span>
          <span>
            heartbeat <Age iso={env.schedulerHeartbeat} suffix=" ago" step={5} />
          </span>
          {env.platform && <span title={`control plane state ${env.platform.state}`}>{platformStateLabel(env.platform.state)}</span>}
          {env.uptime && (env.uptime["24h"] !== null || env.uptime["30d"] !== null) && (
            <span className="tile-uptime" data-testid={TID.tileUptime} title="Uptime over 24 hours / 30 days">
              up {env.uptime["24h"] === null ? "—" : `${env.uptime["24h"]}%`} / {env.uptime["30d"] === null ? "—" : `${env.uptime["30d"]}%`}
            </span>
          )}
          {env.stale && <strong className="stale-tag">stale data</strong>}
          {env.frozen && (
            <strong className="frozen-tag" data-testid="tile-frozen" title={`frozen by ${env.frozen.by}: ${env.frozen.dags} DAGs paused until thawed`}>
              frozen
            </strong>
          )}
          {env.statusSince && env.status !== "healthy" && env.status !== "unknown" && (
            <span className="tile-since" title={`${statusLabel(env.status)} since ${env.statusSince}`}>
              for <Age iso={env.statusSince} step={5} />
            </span>
          )}
        </div>
        {showReason && (
          <p className="tile-reason">
            {env.reasons[0]}
            {env.reasons.length > 1 && <span className="muted"> (+{env.reasons.length - 1} more)</span>}
          </p>
        )}
        <div className="tile-stats">
          <Stat label="failing" value={env.dags?.failing ?? null} alert knowledge={failingK} />
          <Stat label="running" value={env.runs?.running ?? null} knowledge={runsK} />
          <Stat label="queued" value={env.runs?.queued ?? null} knowledge={runsK} />
          <Stat label={env.dags?.importErrors === 1 ? "import error" : "import errors"} value={env.dags?.importErrors ?? null} alert knowledge={dagsK} />
        </div>
        {env.runs && runsK !== "unknown" ? (
          <div className={knowledgeClass(runsK)}>
            <RunsBar failed={env.runs.failed24h} succeeded={env.runs.succeeded24h} />
          </div>
        ) : (
          <div className="runs24 muted">24 h: not known yet</div>
        )}
        <div className="tile-foot">
          <span>
            updated <Age iso={env.checkedAt} suffix=" ago" step={5} />
          </span>
          {env.dags && dagsK !== "unknown" && (
            <Link href={`/environments/${encodeURIComponent(env.id)}/dags`} prefetch={false} className="tile-dags-link" data-testid={TID.dagsLink}>
              {plural(env.dags.active, "active DAG")}
            </Link>
          )}
        </div>
      </div>
    </div>
  );
});
