"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { environmentQuery } from "@/lib/queries";
import type { DagRunDto, EnvironmentDetail } from "@/lib/monitor/dto";
import { TID } from "@/lib/test-ids";
import { ageSeconds, formatAge, formatDuration, formatTime, KIND_LABEL } from "../format";
import { StatusBadge } from "../status-badge";
import { useNow } from "../use-now";

function RunLink({ run }: { run: DagRunDto }) {
  return run.url ? (
    <a href={run.url} target="_blank" rel="noreferrer noopener">
      {run.runId}
    </a>
  ) : (
    <span>{run.runId}</span>
  );
}

function Health({ env, now }: { env: EnvironmentDetail; now: number }) {
  const c = env.components;
  return (
    <section className="panel" aria-labelledby="health-h">
      <h2 id="health-h">Health</h2>
      <dl className="kv">
        <dt>Kind</dt>
        <dd>{KIND_LABEL[env.kind]}</dd>
        <dt>Airflow</dt>
        <dd>
          {env.airflowVersion ?? "—"} {env.apiVersion ? `(REST ${env.apiVersion})` : ""}
        </dd>
        {env.platform && (
          <>
            <dt>Platform state</dt>
            <dd>{env.platform.state}</dd>
          </>
        )}
        <dt>Metadatabase</dt>
        <dd>{c?.metadatabase ?? "—"}</dd>
        <dt>Scheduler</dt>
        <dd>
          {c?.scheduler ?? "—"} · heartbeat {formatAge(ageSeconds(env.schedulerHeartbeat, now))} ago
        </dd>
        <dt>Triggerer</dt>
        <dd>{c?.triggerer ?? "not reported"}</dd>
        <dt>DAG processor</dt>
        <dd>{c?.dagProcessor ?? "not reported"}</dd>
        <dt>Last check</dt>
        <dd>
          {formatTime(env.checkedAt)} ({env.latencyMs ?? "—"} ms){env.stale ? " — stale" : ""}
        </dd>
        <dt>Last success</dt>
        <dd>{formatTime(env.lastSuccessAt)}</dd>
        {env.uiUrl && (
          <>
            <dt>Airflow UI</dt>
            <dd>
              <a href={env.uiUrl} target="_blank" rel="noreferrer noopener">
                {env.uiUrl}
              </a>
            </dd>
          </>
        )}
      </dl>
    </section>
  );
}

export function EnvironmentView({ id }: { id: string }) {
  const { data: env, error, isPending } = useQuery(environmentQuery(id));
  const now = useNow();
  if (isPending) return <p className="muted">Loading…</p>;
  if (!env) {
    return (
      <div className="error-box" role="alert" data-testid={TID.loadError}>
        {error?.message ?? "not found"} — <Link href="/">back to the board</Link>
      </div>
    );
  }
  return (
    <div>
      <p>
        <Link href="/">← Board</Link>
      </p>
      <h1 data-testid={TID.envHeader} style={{ display: "flex", gap: "0.75rem", alignItems: "baseline", flexWrap: "wrap" }}>
        {env.name} <StatusBadge status={env.status} />
      </h1>
      {env.reasons.length > 0 && (
        <section className="panel" aria-labelledby="why-h" data-testid={TID.envReasons}>
          <h2 id="why-h">Why it is {env.status}</h2>
          <ul>
            {env.reasons.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
          {env.error && (
            <p className="muted">
              Error code <code>{env.error.code}</code>
              {env.error.httpStatus ? `, HTTP ${env.error.httpStatus}` : ""}
            </p>
          )}
        </section>
      )}
      <Health env={env} now={now} />
      <section className="panel" aria-labelledby="failing-h" data-testid={TID.failingDags}>
        <h2 id="failing-h">Failing DAGs ({env.failingDags.length})</h2>
        {env.failingDags.length === 0 ? (
          <p className="muted">None.</p>
        ) : (
          <table>
            <thead>
              <tr><th>DAG</th><th>Last run</th><th>Started</th></tr>
            </thead>
            <tbody>
              {env.failingDags.map((f) => (
                <tr key={f.dagId}>
                  <td><Link href={`/environments/${encodeURIComponent(env.id)}/dags/${encodeURIComponent(f.dagId)}`}>{f.dagId}</Link></td>
                  <td><RunLink run={f.lastRun} /></td>
                  <td>{formatTime(f.lastRun.startDate)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="panel" aria-labelledby="recent-h" data-testid={TID.recentFailures}>
        <h2 id="recent-h">Failures in the last 24 h ({env.recentFailures.length})</h2>
        {env.recentFailures.length === 0 ? (
          <p className="muted">None.</p>
        ) : (
          <table>
            <thead>
              <tr><th>DAG</th><th>Run</th><th>Started</th><th className="wide-only">Duration</th></tr>
            </thead>
            <tbody>
              {env.recentFailures.map((r) => (
                <tr key={`${r.dagId}/${r.runId}`}>
                  <td>{r.dagId}</td>
                  <td><RunLink run={r} /></td>
                  <td>{formatTime(r.startDate)}</td>
                  <td className="wide-only">{formatDuration(r.durationS)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="panel" aria-labelledby="ie-h" data-testid={TID.importErrors}>
        <h2 id="ie-h">Import errors ({env.importErrors.length})</h2>
        {env.importErrors.length === 0 ? (
          <p className="muted">None.</p>
        ) : (
          <table>
            <thead>
              <tr><th>File</th><th>Message</th><th className="wide-only">Since</th></tr>
            </thead>
            <tbody>
              {env.importErrors.map((e) => (
                <tr key={e.filename}>
                  <td><code>{e.filename}</code></td>
                  <td>{e.message}</td>
                  <td className="wide-only">{formatTime(e.timestamp)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
