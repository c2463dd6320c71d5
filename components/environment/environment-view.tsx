"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { environmentQuery } from "@/lib/queries";
import { ApiRequestError } from "@/lib/queries/fetch-json";
import { TID } from "@/lib/test-ids";
import { Age } from "../age";
import { KIND_LABEL } from "../format";
import { StatusBadge } from "../status-badge";
import { EnvironmentHistory } from "../history/environment-history";
import { EnvironmentCharts } from "./environment-charts";
import { CountsPanel, HealthPanel } from "./health-panel";
import { EnvironmentActions } from "../actions/action-buttons";
import { FailingDagsPanel, ImportErrorsPanel, RecentFailuresPanel } from "./run-tables";
import { NotFoundPanel, PageSkeleton } from "./page-states";

/** One environment: why it is (not) healthy, its components, charts, failing DAGs, failures and import errors. */
export function EnvironmentView({ id }: { id: string }) {
  const { data: env, error, isPending } = useQuery(environmentQuery(id));
  if (isPending) return <PageSkeleton />;
  if (!env) {
    if (error instanceof ApiRequestError && error.status === 404) {
      return <NotFoundPanel what={`No environment with the id “${id}” is configured.`} />;
    }
    return (
      <div className="error-box" role="alert" data-testid={TID.loadError}>
        Cannot load this environment: {error?.message ?? "no answer"}. <Link href="/">Back to the board</Link>
      </div>
    );
  }
  return (
    <div>
      <title>{`${env.name} (${env.status}) · Flightboard`}</title>
      <p className="crumbs">
        <Link href="/">← Board</Link>
      </p>
      <div className="page-head" data-testid={TID.envHeader}>
        <h1>{env.name}</h1>
        <StatusBadge status={env.status} />
      </div>
      <div className="page-sub">
        <span className="badge">{KIND_LABEL[env.kind]}</span>
        <span>Airflow {env.airflowVersion ?? "—"}</span>
        <code>{env.id}</code>
        <Link href={`/environments/${encodeURIComponent(env.id)}/dags`} data-testid={TID.dagsLink}>
          All DAGs{env.dags ? ` (${env.dags.total})` : ""}
        </Link>
        <span>
          updated <Age iso={env.checkedAt} suffix=" ago" />
        </span>
        {env.uiUrl && (
          <a href={env.uiUrl} target="_blank" rel="noreferrer noopener">
            Open Airflow ↗
          </a>
        )}
      </div>
      <EnvironmentActions id={env.id} envName={env.name} activeDags={env.dags?.active ?? null} />
      {error && (
        <div className="error-box is-warning" role="alert" data-testid={TID.loadError}>
          Lost contact with the server ({error.message}); showing the last data received.
        </div>
      )}
      {env.reasons.length > 0 && (
        <section className={`panel reasons status-${env.status}`} aria-labelledby="why-h" data-testid={TID.envReasons}>
          <h2 id="why-h">Why it is {env.status}</h2>
          <ul>
            {env.reasons.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
          {env.error && (
            <p className="panel-note">
              Last error: <code>{env.error.code}</code>
              {env.error.httpStatus ? ` (HTTP ${env.error.httpStatus})` : ""} — {env.error.message}
            </p>
          )}
        </section>
      )}
      <div className="columns">
        <div>
          <HealthPanel env={env} />
          <CountsPanel env={env} />
        </div>
        <div>
          <EnvironmentCharts env={env} />
        </div>
      </div>
      <EnvironmentHistory env={env} />
      <FailingDagsPanel env={env} />
      <RecentFailuresPanel env={env} />
      <ImportErrorsPanel env={env} />
    </div>
  );
}
