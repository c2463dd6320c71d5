"use client";
import { useEffect, useRef, useState } from "react";

/**
 * True once `limitMs` passed since `lastAt` (epoch ms; 0 = never, counted from mount) without a newer
 * `lastAt`. One timer at a time, re-armed on every update, so the owner re-renders only when the
 * flag flips — not every second.
 */
export function useExpired(lastAt: number, limitMs: number): boolean {
  const mountedAt = useRef(0);
  const [expiredFor, setExpiredFor] = useState<string | null>(null);
  const key = `${lastAt}/${limitMs}`;
  useEffect(() => {
    if (!mountedAt.current) mountedAt.current = Date.now();
    const since = lastAt || mountedAt.current;
    const t = setTimeout(() => setExpiredFor(key), Math.max(0, since + limitMs - Date.now()));
    return () => clearTimeout(t);
  }, [key, lastAt, limitMs]);
  return expiredFor === key;
}
