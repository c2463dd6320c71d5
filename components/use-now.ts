"use client";
import { useSyncExternalStore } from "react";

/**
 * One shared one-second clock for every "N s ago" on a page. Components subscribe through
 * useSyncExternalStore, so only the small text nodes that show an age re-render each second (not a
 * board of 300 tiles), and the single interval exists only while something listens.
 */
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | null = null;
let current = 0;

function tick() {
  current = Math.floor(Date.now() / 1000) * 1000;
  for (const l of listeners) l();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!timer) {
    current = Math.floor(Date.now() / 1000) * 1000;
    timer = setInterval(tick, 1000);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
}

function snapshot(): number {
  // Between subscriptions `current` is old; read the real time then (whole seconds keep it stable).
  return timer ? current : Math.floor(Date.now() / 1000) * 1000;
}

/**
 * The current time (ms), in whole `stepS` seconds; 0 during server rendering. The component
 * re-renders only when that value changes, i.e. every `stepS` seconds.
 */
export function useNow(stepS = 1): number {
  const stepMs = Math.max(1, Math.round(stepS)) * 1000;
  return useSyncExternalStore(subscribe, () => Math.floor(snapshot() / stepMs) * stepMs, serverSnapshot);
}

function serverSnapshot(): number {
  return 0;
}
