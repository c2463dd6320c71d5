import type { EnvironmentStatus } from "@/lib/monitor/dto";

type RunState = "success" | "failed" | "running" | "queued";

/**
 * Status glyphs as inline SVG (stroke = currentColor): every machine renders them the same, unlike
 * symbol characters that depend on the installed fonts. Each shape differs, so the status reads
 * without colour too.
 */
const PATHS: Record<EnvironmentStatus | RunState, string> = {
  // circle + check
  healthy: "M8 1.5a6.5 6.5 0 1 0 0 13a6.5 6.5 0 1 0 0-13M5 8.2l2 2l4-4.4",
  success: "M8 1.5a6.5 6.5 0 1 0 0 13a6.5 6.5 0 1 0 0-13M5 8.2l2 2l4-4.4",
  // triangle + exclamation
  degraded: "M8 1.8L15 14H1zM8 6v3.6M8 11.6v.4",
  // octagon + cross
  unhealthy: "M5.3 1.5h5.4l3.8 3.8v5.4l-3.8 3.8H5.3l-3.8-3.8V5.3zM5.6 5.6l4.8 4.8M10.4 5.6l-4.8 4.8",
  failed: "M5.3 1.5h5.4l3.8 3.8v5.4l-3.8 3.8H5.3l-3.8-3.8V5.3zM5.6 5.6l4.8 4.8M10.4 5.6l-4.8 4.8",
  // circle + slash (no connection)
  unreachable: "M8 1.5a6.5 6.5 0 1 0 0 13a6.5 6.5 0 1 0 0-13M3.4 12.6l9.2-9.2",
  // padlock
  unauthorized: "M3 7.5h10v7H3zM5 7.5V5a3 3 0 0 1 6 0v2.5M8 10.2v1.6",
  // circle + question mark
  unknown: "M8 1.5a6.5 6.5 0 1 0 0 13a6.5 6.5 0 1 0 0-13M6 6.2a2 2 0 1 1 2.6 1.9c-.4.2-.6.5-.6.9v.6M8 11.4v.4",
  // play triangle
  running: "M4.5 2.5v11l9-5.5z",
  // clock
  queued: "M8 1.5a6.5 6.5 0 1 0 0 13a6.5 6.5 0 1 0 0-13M8 4.5V8l2.5 1.8",
};

/** A decorative status glyph: callers always print the status word next to it (or set an accessible name). */
export function StatusIcon({ status, size = "1em" }: { status: EnvironmentStatus | RunState; size?: string }) {
  return (
    <svg
      aria-hidden="true"
      focusable="false"
      viewBox="0 0 16 16"
      width={size}
      height={size}
      fill="none"
      stroke="currentColor"
      strokeWidth={1.8}
      strokeLinecap="round"
      strokeLinejoin="round"
      className="status-icon"
    >
      <path d={PATHS[status]} />
    </svg>
  );
}
