import type { Components, EnvironmentDetail } from "@/lib/monitor/dto";
import { TID } from "@/lib/test-ids";
import { Age } from "../age";
import { formatTime } from "../format";
import { StatusIcon } from "../status-icon";

type Health = "healthy" | "unhealthy" | null;

function ComponentCard({ name, state, detail }: { name: string; state: Health; detail?: React.ReactNode }) {
  const status = state === "healthy" ? "healthy" : state === "unhealthy" ? "unhealthy" : "unknown";
  return (
    <div className={`component status-${status}`} data-component={name}>
      <div className="component-name">{name}</div>
      <div className="status">
        <StatusIcon status={status} />
        {state === "healthy" ? "Healthy" : state === "unhealthy" ? "Unhealthy" : "Not reported"}
      </div>
      {detail && <div className="component-detail">{detail}</div>}
    </div>
  );
}

const LABELS: Record<keyof Components, string> = {
  metadatabase: "Metadatabase",
  scheduler: "Scheduler",
  triggerer: "Triggerer",
  dagProcessor: "DAG processor",
};

/** Components with the scheduler heartbeat, the platform's own state, and when we last heard. */
export function HealthPanel({ env }: { env: EnvironmentDetail }) {
  const c = env.components;
  return (
    <section className="panel" aria-labelledby="health-h" data-testid={TID.envComponents}>
      <h2 id="health-h">Health</h2>
      <div className="components">
        {(Object.keys(LABELS) as (keyof Components)[]).map((k) => (
          <ComponentCard
            key={k}
            name={LABELS[k]}
            state={c?.[k] ?? null}
            detail={
              k === "scheduler" ? (
                <>
                  heartbeat <Age iso={env.schedulerHeartbeat} suffix=" ago" />
                </>
              ) : undefined
            }
          />
        ))}
        {env.platform && (
          <div className="component status-unknown" data-component="platform">
            <div className="component-name">{env.kind === "mwaa" ? "MWAA environment" : "Composer environment"}</div>
            <div className="status" style={{ color: "var(--text)" }}>{env.platform.state}</div>
            <div className="component-detail">control plane state</div>
          </div>
        )}
      </div>
      <dl className="kv">
        <dt>Last check</dt>
        <dd>
          {formatTime(env.checkedAt)} · <Age iso={env.checkedAt} suffix=" ago" /> · {env.latencyMs === null ? "no answer" : `${env.latencyMs} ms`}
          {env.stale && <strong className="stale-tag"> · stale data</strong>}
        </dd>
        <dt>Last success</dt>
        <dd>{formatTime(env.lastSuccessAt)}</dd>
        <dt>Airflow</dt>
        <dd>
          {env.airflowVersion ?? "—"}
          {env.apiVersion && <span className="muted"> · REST API {env.apiVersion}</span>}
        </dd>
        {env.uiUrl && (
          <>
            <dt>Airflow UI</dt>
            <dd>
              <a href={env.uiUrl} target="_blank" rel="noreferrer noopener">
                {env.uiUrl} ↗
              </a>
            </dd>
          </>
        )}
        {Object.keys(env.tags).length > 0 && (
          <>
            <dt>Tags</dt>
            <dd>
              {Object.entries(env.tags).map(([k, v]) => (
                <span key={k} className="badge" style={{ marginRight: "0.3rem" }}>
                  {k}: {v}
                </span>
              ))}
            </dd>
          </>
        )}
      </dl>
    </section>
  );
}

/** DAG and run counts at a glance. */
export function CountsPanel({ env }: { env: EnvironmentDetail }) {
  const figures: [string, number | undefined, boolean?][] = [
    ["DAGs", env.dags?.total],
    ["active", env.dags?.active],
    ["paused", env.dags?.paused],
    ["failing", env.dags?.failing, true],
    ["import errors", env.dags?.importErrors, true],
    ["running", env.runs?.running],
    ["queued", env.runs?.queued],
    ["failed 24 h", env.runs?.failed24h, true],
    ["succeeded 24 h", env.runs?.succeeded24h],
  ];
  return (
    <section className="panel" aria-labelledby="counts-h">
      <h2 id="counts-h">DAGs and runs</h2>
      <dl className="figures">
        {figures.map(([label, value, alert]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd className={alert && value ? "text-failed" : undefined}>{value ?? "—"}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
