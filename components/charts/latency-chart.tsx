"use client";
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { CHART, timeLabel, timeLabelSeconds } from "./chart-theme";

/** Health-check round trip over time; a failed check (no answer) is a gap in the line. */
export function LatencyChart({ samples }: { samples: { at: string; ms: number | null }[] }) {
  // Checks come every few seconds to minutes: show seconds when the whole series spans under an hour.
  const span = samples.length > 1 ? Date.parse(samples[samples.length - 1].at) - Date.parse(samples[0].at) : 0;
  const label = span < 3_600_000 ? timeLabelSeconds : timeLabel;
  const data = samples.map((s) => ({ label: label(s.at), ms: s.ms }));
  return (
    <ResponsiveContainer width="100%" height="100%">
      <LineChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -8 }}>
        <CartesianGrid stroke={CHART.grid} strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="label" tick={CHART.tick} stroke={CHART.grid} interval="preserveStartEnd" minTickGap={24} />
        <YAxis tick={CHART.tick} stroke={CHART.grid} width={48} tickFormatter={(v: number) => (v >= 1000 ? `${Math.round(v / 100) / 10}k` : String(v))} />
        <Tooltip {...CHART.tooltip} formatter={(v) => (v === null || v === undefined ? "no answer" : `${v} ms`)} />
        <Line type="monotone" dataKey="ms" name="Latency" stroke={CHART.line} strokeWidth={2} dot={false} connectNulls={false} isAnimationActive={false} />
      </LineChart>
    </ResponsiveContainer>
  );
}
