/**
 * Recharts draws SVG with presentation attributes; Chromium, Firefox and Safari resolve CSS custom
 * properties there, so the charts follow the light/dark theme without re-rendering.
 */
export const CHART = {
  success: "var(--healthy)",
  failed: "var(--unhealthy)",
  running: "var(--running)",
  queued: "var(--queued)",
  line: "var(--link)",
  grid: "var(--border)",
  tick: { fill: "var(--muted)", fontSize: 12 },
  tooltip: {
    contentStyle: { background: "var(--panel)", border: "1px solid var(--border)", borderRadius: 6, color: "var(--text)" },
    labelStyle: { color: "var(--text)", fontWeight: 600 },
    itemStyle: { color: "var(--text)" },
  },
} as const;

export const STATE_FILL = { success: CHART.success, failed: CHART.failed, running: CHART.running, queued: CHART.queued } as const;

export function hourLabel(iso: string): string {
  const d = new Date(iso);
  return `${String(d.getHours()).padStart(2, "0")}:00`;
}

export function timeLabel(iso: string): string {
  const d = new Date(iso);
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}

export function timeLabelSeconds(iso: string): string {
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
