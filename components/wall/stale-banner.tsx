import { TID } from "@/lib/test-ids";
import { AgeMs } from "../age";

/** Why the wall's data is not current: the server is gone, it refuses this screen, or updates stopped. */
export type StaleReason = "unreachable" | "signed-out" | "stale";

const TITLE: Record<StaleReason, string> = {
  unreachable: "SERVER UNREACHABLE — DATA IS STALE",
  "signed-out": "SIGNED OUT — DATA IS STALE",
  stale: "DATA IS STALE",
};

/**
 * The loud, unmistakable warning that the wall is not showing current data: no fresh fleet for two
 * refresh intervals, or the server does not answer. Never a quiet spinner.
 */
export function StaleBanner({ reason, updatedAt, refreshS }: { reason: StaleReason; updatedAt: number; refreshS: number }) {
  return (
    <div className="wall-banner" role="alert" data-testid={TID.wallStale} data-reason={reason}>
      <svg aria-hidden="true" viewBox="0 0 16 16" className="wall-banner-icon" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinejoin="round">
        <path d="M8 1.8L15 14H1zM8 6v3.6M8 11.6v.4" />
      </svg>
      <div>
        <div className="wall-banner-title">{TITLE[reason]}</div>
        <div className="wall-banner-detail">
          {updatedAt ? (
            <>
              Last update <AgeMs at={updatedAt} suffix=" ago" />.
            </>
          ) : (
            "No data received yet."
          )}{" "}
          {reason === "signed-out"
            ? "The server no longer accepts this screen's session or display link: open the display link again."
            : `Retrying every ${refreshS} s; this clears by itself when data flows again.`}
        </div>
      </div>
    </div>
  );
}
