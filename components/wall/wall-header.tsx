"use client";
import type { StatusCounts } from "@/lib/monitor/dto";
import { TID } from "@/lib/test-ids";
import { ENVIRONMENT_STATUSES } from "@/lib/vocabulary";
import { AgeMs } from "../age";
import { formatClock, plural } from "../format";
import { StatusIcon } from "../status-icon";
import { STATUS_LABEL } from "../status-meta";
import { useNow } from "../use-now";

function Clock() {
  const now = useNow();
  return (
    <time className="wall-clock" data-testid={TID.wallClock} suppressHydrationWarning>
      {now ? formatClock(now) : "--:--:--"}
    </time>
  );
}

export interface WallHeaderProps {
  selection: string;
  counts: StatusCounts;
  total: number;
  page: number;
  pages: number;
  rotateS: number;
  updatedAt: number;
}

/** Title and selection, counts per status, page indicator, data age and a clock. */
export function WallHeader({ selection, counts, total, page, pages, rotateS, updatedAt }: WallHeaderProps) {
  const shown = ENVIRONMENT_STATUSES.filter((s) => counts[s] > 0);
  return (
    <header className="wall-header">
      <div className="wall-title">
        <strong>Flightboard</strong>
        {selection && <span className="wall-selection">{selection}</span>}
      </div>
      <ul className="wall-counts" aria-label="Environments per status">
        <li className="wall-count-total">{plural(total, "env")}</li>
        {shown.map((s) => (
          <li key={s} className={`wall-count status-${s}`} data-status={s}>
            <StatusIcon status={s} />
            <span className="wall-count-n">{counts[s]}</span>
            <span>{STATUS_LABEL[s]}</span>
          </li>
        ))}
      </ul>
      <div className="wall-meta">
        {pages > 1 && (
          <span className="wall-page" data-testid={TID.wallPage} data-page={page + 1} data-pages={pages}>
            page {page + 1}/{pages}
            <span key={page} className="wall-page-progress" style={{ animationDuration: `${rotateS}s` }} aria-hidden="true" />
          </span>
        )}
        <span className="wall-updated" data-testid={TID.wallUpdated}>
          updated <AgeMs at={updatedAt} suffix=" ago" />
        </span>
        <Clock />
      </div>
    </header>
  );
}
