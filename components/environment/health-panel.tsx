import type { Components, EnvironmentDetail } from "@/lib/monitor/dto";
import { TID } from "@/lib/test-ids";
import { Age } from "../age";
import { formatTime } from "../format";
import type { Knowledge } from "@/lib/monitor/dto";
import { knowledgeClass, knowledgeOf } from "../knowledge";
import { KnowledgeNote } from "../knowledge-note";
import { platformStateLabel } from "../status-meta";
import { StatusIcon } from "../status-icon";

type Health = "healthy" | "unhealthy" | null;

function ComponentCard({ name, state, detail, knowledge }: { name: string; state: Health; detail?: React.ReactNode; knowledge: Knowledge }) {
  // Unknown health is never drawn as a state; last-known is drawn muted, labelled as such.
  const status = knowledge === "unknown" ? "unknown" : state === "healthy" ? "healthy" : state === "unhealthy" ? "unhealthy" : "unknown";
  const word = knowledge === "unknown" ? "Not known" : state === "healthy" ? "Healthy" : state === "unhealthy" ? "Unhealthy" : "Not reported";
  return (
    <div className={`component status-${status} ${knowledgeClass(knowledge)}`} data-component={name} data-knowledge={knowledge}>
      <div className="component-name">{name}</div>
      <div className="status">
        <StatusIcon status={status} />
        {word}
      </div>
      {knowledge === "last-known" && <div className="component-detail">(last known)</div>}
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
  const health = knowledgeOf(env, "health");
  return (
    <section className="panel" aria-labelledby="health-h" data-testid={TID.envComponents} data-knowledge={health}>
      <h2 id="health-h">Health</h2>
      <KnowledgeNote env={env} parts={["health"]} />
      <div className="components">
        {(Object.keys(LABELS) as (keyof Components)[]).map((k) => (
          <ComponentCard
            key={k}
            name={LABELS[k]}
            state={c?.[k] ?? null}
            knowledge={health}
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
            <div className="status" style={{ color: "var(--text)" }}>{platformStateLabel(env.platform.state)}</div>
            <div className="component-detail">
              control plane state <code>{env.platform.state}</code>
            </div>
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
        <dd>{env.lastSuccessAt ? formatTime(env.lastSuccessAt) : "never"}</dd>
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
  const dags = knowledgeOf(env, "dags");
  const runs = knowledgeOf(env, "runs");
  const failing = knowledgeOf(env, "dags", "runs");
  // An unknown figure is "—", never 0: `dags.failing` is 0 until the runs arrive.
  const known = (k: Knowledge, v: number | undefined) => (k === "unknown" ? undefined : v);
  const figures: [string, number | undefined, Knowledge, boolean?][] = [
    ["DAGs", known(dags, env.dags?.total), dags],
    ["active", known(dags, env.dags?.active), dags],
    ["paused", known(dags, env.dags?.paused), dags],
    ["failing", known(failing, env.dags?.failing), failing, true],
    ["import errors", known(dags, env.dags?.importErrors), dags, true],
    ["running", known(runs, env.runs?.running), runs],
    ["queued", known(runs, env.runs?.queued), runs],
    ["failed 24 h", known(runs, env.runs?.failed24h), runs, true],
    ["succeeded 24 h", known(runs, env.runs?.succeeded24h), runs],
  ];
  return (
    <section className="panel" aria-labelledby="counts-h">
      <h2 id="counts-h">DAGs and runs</h2>
      <KnowledgeNote env={env} parts={["dags", "runs"]} />
      <dl className="figures">
        {figures.map(([label, value, k, alert]) => (
          <div key={label} data-knowledge={k}>
            <dt>{label}</dt>
            <dd className={`${alert && value ? "text-failed" : ""} ${knowledgeClass(k)}`.trim() || undefined} title={k === "unknown" ? "not known yet" : undefined}>
              {value ?? "—"}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
