"use client";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { CHART, hourLabel } from "./chart-theme";
import type { RunsPerHourBucket } from "./runs-per-hour";

/** DAG runs per hour by state over 24 h, stacked. */
export function RunsChart({ buckets }: { buckets: RunsPerHourBucket[] }) {
  const data = buckets.map((b) => ({ ...b, label: hourLabel(b.hour) }));
  const hasActive = buckets.some((b) => (b.running ?? 0) + (b.queued ?? 0) > 0);
  return (
    <ResponsiveContainer width="100%" height="100%">
      <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
        <CartesianGrid stroke={CHART.grid} strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="label" tick={CHART.tick} stroke={CHART.grid} interval="preserveStartEnd" minTickGap={16} />
        <YAxis allowDecimals={false} tick={CHART.tick} stroke={CHART.grid} />
        <Tooltip {...CHART.tooltip} cursor={{ fill: "var(--panel-2)" }} />
        <Bar dataKey="success" name="Succeeded" stackId="runs" fill={CHART.success} isAnimationActive={false} />
        <Bar dataKey="failed" name="Failed" stackId="runs" fill={CHART.failed} isAnimationActive={false} />
        {buckets.some((b) => (b.other ?? 0) > 0) && <Bar dataKey="other" name="Other states" stackId="runs" fill={CHART.queued} isAnimationActive={false} />}
        {hasActive && <Bar dataKey="running" name="Running" stackId="runs" fill={CHART.running} isAnimationActive={false} />}
        {hasActive && <Bar dataKey="queued" name="Queued" stackId="runs" fill={CHART.queued} isAnimationActive={false} />}
      </BarChart>
    </ResponsiveContainer>
  );
}
