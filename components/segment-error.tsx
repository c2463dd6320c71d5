"use client";
import Link from "next/link";
import { TID } from "@/lib/test-ids";

/** What a page shows when rendering itself failed (not when the API is down: views handle that). */
export function SegmentError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="error-box" role="alert" data-testid={TID.loadError}>
      <p style={{ marginTop: 0 }}>This page failed to render: {error.message || "unexpected error"}.</p>
      <p style={{ marginBottom: 0 }}>
        <button type="button" className="theme-toggle" onClick={reset}>
          Try again
        </button>{" "}
        <Link href="/">Back to the board</Link>
      </p>
    </div>
  );
}
