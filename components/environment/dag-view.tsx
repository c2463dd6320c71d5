"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { DagRunDto } from "@/lib/monitor/dto";
import { dagRunsQuery, dagsQuery, environmentQuery, queryKeys } from "@/lib/queries";
import { DagActions } from "../actions/action-buttons";
import { ApiRequestError } from "@/lib/queries/fetch-json";
import { TID } from "@/lib/test-ids";
import { DurationChart } from "../charts/lazy-charts";
import { DataTable } from "../data-table";
import { formatDuration, formatTime } from "../format";
import { RunStateBadge } from "../status-badge";
import { RUN_STATE_LABEL } from "../status-meta";
import { NotFoundPanel, PageSkeleton } from "./page-states";
import { RunLink } from "./run-tables";
import { RunStrip } from "./run-strip";
import { useShowMore } from "./show-more";

const RUN_LIMIT = 50;

function StateLegend({ runs }: { runs: DagRunDto[] }) {
  const counts = new Map<DagRunDto["state"], number>();
  for (const r of runs) counts.set(r.state, (counts.get(r.state) ?? 0) + 1);
  return (
    <p className="chart-legend">
      {(["success", "failed", "running", "queued"] as const)
        .filter((s) => counts.has(s))
        .map((s) => (
          <span key={s} className={`run-${s}`}>
            <span className="swatch" />
            {RUN_STATE_LABEL[s]} ({counts.get(s)})
          </span>
        ))}
    </p>
  );
}

/** One DAG: its recent runs as a strip and a duration chart, each run linking to Airflow. */
export function DagView({ id, dagId }: { id: string; dagId: string }) {
  const runs = useQuery(dagRunsQuery(id, dagId, RUN_LIMIT));
  const env = useQuery(environmentQuery(id));
  const dags = useQuery(dagsQuery(id, `q=${encodeURIComponent(dagId)}`));
  const dag = dags.data?.dags.find((d) => d.dagId === dagId);
  const list = runs.data?.runs ?? [];
  const { visible, toggle } = useShowMore(list, 15);

  if (runs.error instanceof ApiRequestError && runs.error.status === 404) {
    return <NotFoundPanel what={`No DAG “${dagId}” in the environment “${id}”.`} />;
  }
  return (
    <div>
      <title>{`${dagId} · ${env.data?.name ?? id} · Flightboard`}</title>
      <p className="crumbs">
        <Link href="/">Board</Link> / <Link href={`/environments/${encodeURIComponent(id)}`}>{env.data?.name ?? id}</Link>
      </p>
      <div className="page-head" data-testid={TID.dagHeader}>
        <h1>{dagId}</h1>
        {list[0] && <RunStateBadge state={list[0].state} />}
      </div>
      <div className="page-sub">
        {dag?.paused && <span className="badge">paused</span>}
        {dag?.schedule && <span>schedule <code>{dag.schedule}</code></span>}
        {dag?.nextRunAt && <span>next run {formatTime(dag.nextRunAt)}</span>}
        {dag && dag.owners.length > 0 && <span>owners {dag.owners.join(", ")}</span>}
        {dag?.tags.map((t) => (
          <span key={t} className="badge">{t}</span>
        ))}
        {dag?.url && (
          <a href={dag.url} target="_blank" rel="noreferrer noopener">
            Open in Airflow ↗
          </a>
        )}
      </div>
      <DagActions id={id} envName={env.data?.name ?? id} dagId={dagId} paused={dag?.paused} latest={list[0]} runsKey={queryKeys.dagRuns(id, dagId, RUN_LIMIT)} />
      {runs.isPending && <PageSkeleton />}
      {runs.error && (
        <div className="error-box" role="alert" data-testid={TID.loadError}>
          Cannot load the runs: {runs.error.message}
        </div>
      )}
      {runs.data && list.length === 0 && <p className="empty">This DAG has no runs yet.</p>}
      {list.length > 0 && (
        <>
          <section className="panel" aria-labelledby="strip-h">
            <h2 id="strip-h">Last {list.length} runs</h2>
            <RunStrip runs={list} />
            <StateLegend runs={list} />
          </section>
          <section className="panel" aria-labelledby="dur-h" data-testid={TID.durationChart}>
            <h2 id="dur-h">Duration per run (minutes, by start time)</h2>
            <div className="chart-box" role="img" aria-label={`Run durations, oldest first; the latest took ${formatDuration(list[0].durationS)}`}>
              <DurationChart runs={[...list].reverse()} />
            </div>
          </section>
          <section className="panel" aria-labelledby="runs-h" data-testid={TID.dagRuns}>
            <h2 id="runs-h">Runs</h2>
            <DataTable columns={["Run (Airflow)", "State", { label: "Type", className: "wide-only" }, "Started", { label: "Duration", className: "num" }]} after={toggle}>
              {visible.map((r) => (
                <tr key={r.runId}>
                  <td className="ident"><RunLink run={r} /></td>
                  <td><RunStateBadge state={r.state} /></td>
                  <td className="wide-only">{r.runType}</td>
                  <td>{formatTime(r.startDate)}</td>
                  <td className="num">{formatDuration(r.durationS)}</td>
                </tr>
              ))}
            </DataTable>
          </section>
        </>
      )}
    </div>
  );
}
