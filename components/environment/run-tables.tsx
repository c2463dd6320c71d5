"use client";
import { ClearButton, usePermission } from "../actions/action-buttons";
import Link from "next/link";
import type { DagRunDto, EnvironmentDetail, Knowledge } from "@/lib/monitor/dto";
import { TID } from "@/lib/test-ids";
import { DataTable, Ident } from "../data-table";
import { formatDuration, formatTime } from "../format";
import { knowledgeClass, knowledgeOf } from "../knowledge";
import { KnowledgeNote } from "../knowledge-note";
import { useShowMore } from "./show-more";

export function dagHref(envId: string, dagId: string): string {
  return `/environments/${encodeURIComponent(envId)}/dags/${encodeURIComponent(dagId)}`;
}

/** A run id that deep-links into the environment's Airflow UI when the link is known. */
export function RunLink({ run }: { run: DagRunDto }) {
  return run.url ? (
    <a href={run.url} target="_blank" rel="noreferrer noopener" aria-label={`${run.runId} (open in Airflow)`}>
      <Ident text={run.runId} /> ↗
    </a>
  ) : (
    <span><Ident text={run.runId} /></span>
  );
}

/** The duration column of both run tables: right-aligned figures, left out below 600 px (wide-only). */
const DURATION = { label: "Duration", className: "num wide-only" };

/** "(3)" when known, "(unknown)" when not: an empty list is "None" only when it is current. */
function countLabel(k: Knowledge, n: number): string {
  return k === "unknown" ? "unknown" : String(n);
}

export function FailingDagsPanel({ env }: { env: EnvironmentDetail }) {
  const k = knowledgeOf(env, "dags", "runs");
  const permission = usePermission(env.id).data;
  return (
    <section className={`panel ${knowledgeClass(k)}`} aria-labelledby="failing-h" data-testid={TID.failingDags} data-knowledge={k}>
      <h2 id="failing-h">Failing DAGs ({countLabel(k, env.failingDags.length)})</h2>
      <KnowledgeNote env={env} parts={["dags", "runs"]} />
      {permission && !permission.allowed && env.failingDags.length > 0 && <p className="muted action-why">Re-running is not available to you: {permission.reason}</p>}
      {k === "unknown" ? null : env.failingDags.length === 0 ? (
        <p className="muted">{k === "current" ? "None: every active DAG’s latest finished run succeeded." : "None, as last known."}</p>
      ) : (
        <DataTable columns={["DAG", "Failed run (Airflow)", "Started", DURATION, "Action"]}>
          {env.failingDags.map((f) => (
            <tr key={f.dagId}>
              <td className="ident"><Link href={dagHref(env.id, f.dagId)}><Ident text={f.dagId} /></Link></td>
              <td className="ident"><RunLink run={f.lastRun} /></td>
              <td>{formatTime(f.lastRun.startDate)}</td>
              <td className="num wide-only">{formatDuration(f.lastRun.durationS)}</td>
              <td><ClearButton id={env.id} envName={env.name} dagId={f.dagId} runId={f.lastRun.runId} permission={permission} showWhy={false} /></td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}

export function RecentFailuresPanel({ env }: { env: EnvironmentDetail }) {
  const k = knowledgeOf(env, "runs");
  const total = env.runs?.failed24h ?? env.recentFailures.length;
  const { visible, toggle } = useShowMore(env.recentFailures, 10);
  return (
    <section className={`panel ${knowledgeClass(k)}`} aria-labelledby="recent-h" data-testid={TID.recentFailures} data-knowledge={k}>
      <h2 id="recent-h">
        Failures in the last 24 h ({countLabel(k, total)}
        {k !== "unknown" && total > env.recentFailures.length ? `, newest ${env.recentFailures.length} shown` : ""})
      </h2>
      <KnowledgeNote env={env} parts={["runs"]} />
      {k === "unknown" ? null : env.recentFailures.length === 0 ? (
        <p className="muted">{k === "current" ? "None." : "None, as last known."}</p>
      ) : (
        <DataTable columns={["DAG", "Run (Airflow)", "Started", DURATION]} after={toggle}>
          {visible.map((r) => (
            <tr key={`${r.dagId}/${r.runId}`}>
              <td className="ident"><Link href={dagHref(env.id, r.dagId)}><Ident text={r.dagId} /></Link></td>
              <td className="ident"><RunLink run={r} /></td>
              <td>{formatTime(r.startDate)}</td>
              <td className="num wide-only">{formatDuration(r.durationS)}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}

export function ImportErrorsPanel({ env }: { env: EnvironmentDetail }) {
  const k = knowledgeOf(env, "dags");
  const { visible, toggle } = useShowMore(env.importErrors, 20);
  return (
    <section className={`panel ${knowledgeClass(k)}`} aria-labelledby="ie-h" data-testid={TID.importErrors} data-knowledge={k}>
      <h2 id="ie-h">Import errors ({countLabel(k, env.importErrors.length)})</h2>
      <KnowledgeNote env={env} parts={["dags"]} />
      {k === "unknown" ? null : env.importErrors.length === 0 ? (
        <p className="muted">{k === "current" ? "None." : "None, as last known."}</p>
      ) : (
        <DataTable columns={["File", "Error", { label: "Since", className: "wide-only" }]} after={toggle}>
          {visible.map((e) => (
            <tr key={e.filename}>
              <td><code>{e.filename}</code></td>
              <td><code>{e.message}</code></td>
              <td className="wide-only">{formatTime(e.timestamp)}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}
