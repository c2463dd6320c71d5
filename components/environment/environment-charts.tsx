"use client";
import { useQuery } from "@tanstack/react-query";
import { dagsQuery } from "@/lib/queries";
import { TID } from "@/lib/test-ids";
import { LatencyChart, RunsChart } from "../charts/lazy-charts";
import { runsPerHour, type DetailWithRunsPerHour } from "../charts/runs-per-hour";
import { useNow } from "../use-now";

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** The two charts of the environment page, each with a text summary for screen readers and a quick read. */
export function EnvironmentCharts({ env }: { env: DetailWithRunsPerHour }) {
  const needsEstimate = !env.runsPerHour;
  const dags = useQuery({ ...dagsQuery(env.id), enabled: needsEstimate });
  const now = useNow();
  // Bucket against the current hour; the clock ticks each second but the buckets change hourly.
  const hour = Math.floor(now / 3_600_000) * 3_600_000;
  const series = runsPerHour(env, dags.data?.dags, hour);
  const failed = series.buckets.reduce((n, b) => n + b.failed, 0);
  const succeeded = series.buckets.reduce((n, b) => n + b.success, 0);

  const latency = env.latencyHistory ?? [];
  const answered = latency.map((l) => l.ms).filter((m): m is number => m !== null);
  const missed = latency.length - answered.length;
  const med = median(answered);

  return (
    <>
      <section className="panel" aria-labelledby="runs-h" data-testid={TID.runsChart} data-source={series.source}>
        <h2 id="runs-h">DAG runs per hour, last 24 h</h2>
        <figure style={{ margin: 0 }}>
          <div className="chart-box" role="img" aria-label={`Runs per hour over 24 hours: ${succeeded} succeeded and ${failed} failed shown`}>
            <RunsChart buckets={series.buckets} />
          </div>
          <figcaption className="chart-legend">
            <span className="run-success"><span className="swatch" />Succeeded ({succeeded})</span>
            <span className="run-failed"><span className="swatch" />Failed ({failed})</span>
          </figcaption>
        </figure>
        {series.note && <p className="panel-note">{series.note}</p>}
      </section>
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
              Last {latency.length} checks · median {med ?? "—"} ms · max {answered.length ? Math.max(...answered) : "—"} ms
              {missed > 0 ? ` · ${missed} without an answer (gaps)` : ""}
            </figcaption>
          </figure>
        )}
      </section>
    </>
  );
}
