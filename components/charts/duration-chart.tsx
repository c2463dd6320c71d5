"use client";
import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { DagRunDto } from "@/lib/monitor/dto";
import { CHART, STATE_FILL, timeLabel } from "./chart-theme";

/** Duration of each run (oldest left), coloured by state. */
export function DurationChart({ runs }: { runs: DagRunDto[] }) {
  const data = runs.map((r) => ({
    label: r.startDate ? timeLabel(r.startDate) : "—",
    runId: r.runId,
    state: r.state,
    minutes: r.durationS === null ? null : Math.round((r.durationS / 60) * 10) / 10,
  }));
  return (
    <ResponsiveContainer width="100%" height="100%">
      <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -8 }}>
        <CartesianGrid stroke={CHART.grid} strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="label" tick={CHART.tick} stroke={CHART.grid} interval="preserveStartEnd" minTickGap={20} />
        <YAxis tick={CHART.tick} stroke={CHART.grid} width={40} />
        <Tooltip
          {...CHART.tooltip}
          cursor={{ fill: "var(--panel-2)" }}
          labelFormatter={(_, payload) => String(payload?.[0]?.payload?.runId ?? "")}
          formatter={(v, _n, item) => [`${v ?? "—"} min`, String(item?.payload?.state ?? "")]}
        />
        <Bar dataKey="minutes" name="Duration" isAnimationActive={false}>
          {data.map((d) => (
            <Cell key={d.runId} fill={STATE_FILL[d.state]} />
          ))}
        </Bar>
      </BarChart>
    </ResponsiveContainer>
  );
}
