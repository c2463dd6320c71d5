"use client";
import dynamic from "next/dynamic";

/**
 * Recharts is loaded on demand, only by the pages that draw a chart: the board and the wall never
 * download it, and the environment page shows its tables before the charts arrive. The placeholder
 * has the chart's height, so nothing jumps.
 */
const placeholder = () => <div className="chart-fallback">Loading chart…</div>;

export const RunsChart = dynamic(() => import("./runs-chart").then((m) => m.RunsChart), { ssr: false, loading: placeholder });
export const LatencyChart = dynamic(() => import("./latency-chart").then((m) => m.LatencyChart), { ssr: false, loading: placeholder });
export const DurationChart = dynamic(() => import("./duration-chart").then((m) => m.DurationChart), { ssr: false, loading: placeholder });
