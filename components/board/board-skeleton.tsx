/** Placeholder with the board's shape while the first fleet answer is on its way (no layout jump). */
export function BoardSkeleton({ tiles = 8 }: { tiles?: number }) {
  return (
    <div aria-busy="true" aria-live="polite">
      <p className="sr-only">Loading the fleet…</p>
      <div className="summary-bar skeleton-line" aria-hidden="true" />
      <div className="grid" aria-hidden="true">
        {Array.from({ length: tiles }, (_, i) => (
          <div key={i} className="tile skeleton-tile" />
        ))}
      </div>
    </div>
  );
}
