"use client";
import type { EnvironmentStatus, StatusCounts } from "@/lib/monitor/dto";
import type { StreamState } from "@/lib/queries/use-fleet-events";
import { TID } from "@/lib/test-ids";
import { ENVIRONMENT_STATUSES } from "@/lib/vocabulary";
import { AgeMs } from "../age";
import { plural } from "../format";
import { StatusIcon } from "../status-icon";
import { STATUS_LABEL } from "../status-meta";

export interface SummaryBarProps {
  counts: StatusCounts;
  scopeSize: number;
  shownCount: number;
  selected: readonly EnvironmentStatus[];
  onToggle: (status: EnvironmentStatus) => void;
  updatedAt: number;
  stream: StreamState;
}

/**
 * Counts per status, worst first, each a toggle that filters the board by that status. Every
 * status is listed (a zero is news too); zeros are drawn quieter.
 */
export function SummaryBar({ counts, scopeSize, shownCount, selected, onToggle, updatedAt, stream }: SummaryBarProps) {
  const visible = ENVIRONMENT_STATUSES;
  return (
    <div className="summary-bar" data-testid={TID.summaryBar}>
      <strong className="summary-total">
        {shownCount === scopeSize ? plural(scopeSize, "environment") : `${shownCount} of ${plural(scopeSize, "environment")}`}
      </strong>
      <div className="summary-counts" role="group" aria-label="Filter by status">
        {visible.map((s) => (
          <button
            key={s}
            type="button"
            className={`count-chip status-${s}${counts[s] === 0 ? " is-zero" : ""}`}
            aria-pressed={selected.includes(s)}
            data-testid={TID.statusChip}
            data-status={s}
            onClick={() => onToggle(s)}
          >
            <StatusIcon status={s} />
            <span className="count-chip-n">{counts[s]}</span>
            <span>{STATUS_LABEL[s]}</span>
          </button>
        ))}
      </div>
      <span className="summary-fresh muted" data-testid={TID.freshness}>
        <span className={`live-dot live-${stream}`} aria-hidden="true" />
        {stream === "live" ? "Live" : "Polling"} · updated <AgeMs at={updatedAt} suffix=" ago" />
      </span>
    </div>
  );
}
