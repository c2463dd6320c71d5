"use client";
import { useState, type ReactNode } from "react";

/**
 * Shows the first `initial` rows and a button for the rest, so a page with 50 failures still
 * shows its other panels without endless scrolling. The button says how many are hidden.
 */
export function useShowMore<T>(items: readonly T[], initial: number): { visible: readonly T[]; toggle: ReactNode } {
  const [all, setAll] = useState(false);
  const hidden = items.length - initial;
  if (hidden <= 0) return { visible: items, toggle: null };
  return {
    visible: all ? items : items.slice(0, initial),
    toggle: (
      <button type="button" className="button-link show-more" aria-expanded={all} onClick={() => setAll(!all)}>
        {all ? `Show the first ${initial} only` : `Show all ${items.length} (${hidden} more)`}
      </button>
    ),
  };
}
