import type { DagRunDto, EnvironmentStatus } from "@/lib/monitor/dto";
import { RUN_STATE_LABEL, STATUS_LABEL } from "./status-meta";
import { StatusIcon } from "./status-icon";

export function statusLabel(s: EnvironmentStatus): string {
  return STATUS_LABEL[s];
}

/** Status as word, icon and colour — never colour alone. */
export function StatusBadge({ status }: { status: EnvironmentStatus }) {
  return (
    <span className={`status status-${status}`} data-status={status}>
      <StatusIcon status={status} />
      {STATUS_LABEL[status]}
    </span>
  );
}

/** A DAG run's state as word, icon and colour. */
export function RunStateBadge({ state }: { state: DagRunDto["state"] | null }) {
  if (!state) return <span className="muted">no runs</span>;
  return (
    <span className={`status run-${state}`} data-state={state}>
      <StatusIcon status={state} />
      {RUN_STATE_LABEL[state]}
    </span>
  );
}
