"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { dagRunsQuery } from "@/lib/queries";
import { TID } from "@/lib/test-ids";
import { formatDuration, formatTime } from "../format";

export function DagView({ id, dagId }: { id: string; dagId: string }) {
  const { data, error, isPending } = useQuery(dagRunsQuery(id, dagId, 25));
  return (
    <div>
      <p>
        <Link href={`/environments/${encodeURIComponent(id)}`}>← {id}</Link>
      </p>
      <h1>{dagId}</h1>
      {isPending && <p className="muted">Loading runs…</p>}
      {error && (
        <div className="error-box" role="alert" data-testid={TID.loadError}>
          {error.message}
        </div>
      )}
      {data && (
        <section className="panel" data-testid={TID.dagRuns}>
          <h2>Recent runs</h2>
          <table>
            <thead>
              <tr><th>Run</th><th>State</th><th>Type</th><th>Started</th><th>Duration</th></tr>
            </thead>
            <tbody>
              {data.runs.map((r) => (
                <tr key={r.runId}>
                  <td>{r.url ? <a href={r.url} target="_blank" rel="noreferrer noopener">{r.runId}</a> : r.runId}</td>
                  <td>{r.state}</td>
                  <td>{r.runType}</td>
                  <td>{formatTime(r.startDate)}</td>
                  <td>{formatDuration(r.durationS)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}
