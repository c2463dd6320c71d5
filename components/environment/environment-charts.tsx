"use client";
import { TID } from "@/lib/test-ids";
import { LatencyChart, RunsChart } from "../charts/lazy-charts";
import { runsPerHour, type DetailWithRunsPerHour, type RunsPerHourBucket } from "../charts/runs-per-hour";
import { knowledgeClass, knowledgeOf } from "../knowledge";
import { KnowledgeNote } from "../knowledge-note";

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Exact hourly counts as a chart, or the exact 24 h totals; never an estimate drawn as a chart. */
function RunsPanel({ env }: { env: DetailWithRunsPerHour }) {
  const series = runsPerHour(env);
  const k = knowledgeOf(env, "runs");
  return (
    <section className={`panel ${knowledgeClass(k)}`} aria-labelledby="runs-h" data-testid={TID.runsChart} data-source={series.source} data-knowledge={k}>
      <h2 id="runs-h">{series.source === "server" ? "DAG runs per hour, last 24 h" : "DAG runs, last 24 h"}</h2>
      <KnowledgeNote env={env} parts={["runs"]} />
      {series.source === "server" && (
        <>
          <HourlyRuns buckets={series.buckets} />
          <p className="panel-note">
            Counted by Flightboard from the runs it saw finish (first recorded hour in this window: {hourLabel(series.buckets[0].hour)} UTC); hours it did
            not watch are not drawn. {env.runs ? "Airflow's exact totals for runs started in the last 24 h:" : "Airflow's 24 h totals are not known yet."}
          </p>
          {env.runs && <RunsTotals succeeded={env.runs.succeeded24h} failed={env.runs.failed24h} />}
        </>
      )}
      {series.source === "totals" && (
        <>
          <RunsTotals succeeded={series.succeeded24h} failed={series.failed24h} />
          <p className="panel-note">Exact counts from Airflow for runs started in the last 24 h. Hourly counts are not recorded yet, so no hourly chart is drawn.</p>
        </>
      )}
    </section>
  );
}

function hourLabel(iso: string): string {
  return iso.slice(11, 16);
}

/** Airflow's exact totals for runs started in the last 24 h, with the share of failures. */
function RunsTotals({ succeeded, failed }: { succeeded: number; failed: number }) {
  return (
    <>
      <dl className="figures runs-totals" aria-label={`Runs started in the last 24 hours: ${succeeded} succeeded, ${failed} failed`}>
        <div>
          <dt>succeeded</dt>
          <dd className="run-success">{succeeded}</dd>
        </div>
        <div>
          <dt>failed</dt>
          <dd className={failed ? "text-failed" : undefined}>{failed}</dd>
        </div>
      </dl>
      <RunsShareBar succeeded={succeeded} failed={failed} />
    </>
  );
}

function HourlyRuns({ buckets }: { buckets: RunsPerHourBucket[] }) {
  const failed = buckets.reduce((n, b) => n + b.failed, 0);
  const succeeded = buckets.reduce((n, b) => n + b.success, 0);
  return (
    <figure style={{ margin: 0 }}>
      <div className="chart-box" role="img" aria-label={`Runs per hour over 24 hours: ${succeeded} succeeded and ${failed} failed`}>
        <RunsChart buckets={buckets} />
      </div>
      <figcaption className="chart-legend">
        <span className="run-success"><span className="swatch" />Succeeded ({succeeded})</span>
        <span className="run-failed"><span className="swatch" />Failed ({failed})</span>
      </figcaption>
    </figure>
  );
}

/** The share of failures among finished runs, as exact as the two totals it is drawn from. */
function RunsShareBar({ succeeded, failed }: { succeeded: number; failed: number }) {
  const total = succeeded + failed;
  if (total === 0) return <p className="muted">No runs finished in the last 24 h.</p>;
  const pct = Math.round((failed / total) * 1000) / 10;
  return (
    <div className="runs24" title={`${pct}% of finished runs failed`}>
      <div className="runs24-bar" aria-hidden="true">
        <span className="runs24-failed" style={{ width: `${(failed / total) * 100}%` }} />
        <span className="runs24-ok" style={{ width: `${(succeeded / total) * 100}%` }} />
      </div>
      <span className="runs24-text">{pct}% failed</span>
    </div>
  );
}

/** The two panels of the environment page, each with a text summary for screen readers and a quick read. */
export function EnvironmentCharts({ env }: { env: DetailWithRunsPerHour }) {
  const latency = env.latencyHistory ?? [];
  const answered = latency.map((l) => l.ms).filter((m): m is number => m !== null);
  const missed = latency.length - answered.length;
  const med = median(answered);

  return (
    <>
      <RunsPanel env={env} />
      <section className="panel" aria-labelledby="latency-h" data-testid={TID.latencyChart}>
        <h2 id="latency-h">Health-check latency (ms)</h2>
        {latency.length === 0 ? (
          <p className="muted">No health checks recorded yet.</p>
        ) : (
          <figure style={{ margin: 0 }}>
            <div className="chart-box" role="img" aria-label={`Health-check latency over the last ${latency.length} checks: median ${med ?? "—"} ms, ${missed} without an answer`}>
              <LatencyChart samples={latency} />
            </div>
            <figcaption className="panel-note">
              {answered.length === 0
                ? `Last ${latency.length} checks: none answered`
                : `Last ${latency.length} checks · median ${med} ms · max ${Math.max(...answered)} ms`}
              {answered.length > 0 && missed > 0 ? ` · ${missed} without an answer (gaps)` : ""}
            </figcaption>
          </figure>
        )}
      </section>
    </>
  );
}
