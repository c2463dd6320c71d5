import type { EnvironmentStatus } from "@/lib/monitor/dto";

const ICON: Record<EnvironmentStatus, string> = {
  healthy: "●",
  degraded: "▲",
  unhealthy: "✖",
  unreachable: "⊘",
  unauthorized: "🔒",
  unknown: "?",
};

const LABEL: Record<EnvironmentStatus, string> = {
  healthy: "Healthy",
  degraded: "Degraded",
  unhealthy: "Unhealthy",
  unreachable: "Unreachable",
  unauthorized: "Unauthorized",
  unknown: "Unknown",
};

export function statusLabel(s: EnvironmentStatus): string {
  return LABEL[s];
}

/** Status as word, icon and colour — never colour alone. */
export function StatusBadge({ status }: { status: EnvironmentStatus }) {
  return (
    <span className={`status status-${status}`} data-status={status}>
      <span aria-hidden="true">{ICON[status]}</span>
      {LABEL[status]}
    </span>
  );
}
