"use client";
import { useEffect, useState, type RefObject } from "react";

/** An element's content-box size, kept current by one ResizeObserver (disconnected on unmount). */
export function useElementSize(ref: RefObject<HTMLElement | null>): { width: number; height: number } {
  const [size, setSize] = useState({ width: 0, height: 0 });
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(([entry]) => {
      const width = Math.floor(entry.contentRect.width);
      const height = Math.floor(entry.contentRect.height);
      setSize((s) => (s.width === width && s.height === height ? s : { width, height }));
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  return size;
}

/** Cycles 0..pages-1 every `intervalMs`; a single interval, replaced when the page count changes. */
export function useRotation(pages: number, intervalMs: number): number {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (pages <= 1) return;
    const t = setInterval(() => setTick((p) => (p + 1) % 1_000_000), intervalMs);
    return () => clearInterval(t);
  }, [pages, intervalMs]);
  return pages <= 1 ? 0 : tick % pages;
}

let canvas: HTMLCanvasElement | null = null;

/**
 * How wide the names need the tiles to be, measured at 20 px bold in the page's font (one shared
 * canvas): `oneLine` is the widest name on one line; `twoLines` the widest of each name's best
 * split into two lines at a space (what a 2-line wrap needs).
 */
export function measureNames(names: readonly string[], fontFamily: string): { oneLine: number; twoLines: number } {
  if (typeof document === "undefined" || names.length === 0) return { oneLine: 0, twoLines: 0 };
  canvas ??= document.createElement("canvas");
  const ctx = canvas.getContext("2d");
  if (!ctx) return { oneLine: 0, twoLines: 0 };
  ctx.font = `700 20px ${fontFamily}`;
  const w = (t: string) => ctx.measureText(t).width;
  let oneLine = 0;
  let twoLines = 0;
  for (const name of names) {
    const full = w(name);
    oneLine = Math.max(oneLine, full);
    const words = name.split(" ");
    let best = full;
    for (let i = 1; i < words.length; i++) {
      best = Math.min(best, Math.max(w(words.slice(0, i).join(" ")), w(words.slice(i).join(" "))));
    }
    twoLines = Math.max(twoLines, best);
  }
  return { oneLine: Math.ceil(oneLine), twoLines: Math.ceil(twoLines) };
}
