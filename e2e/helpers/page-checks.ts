import type { Page } from "@playwright/test";

/** Facts about the wall's geometry, measured in the page: scrollbars, tiles off screen, clipped text. */
export interface WallGeometry {
  scrollable: boolean;
  tiles: number;
  offscreen: string[];
  clipped: string[];
  smallestFontPx: number;
  smallestText: string;
}

export async function wallGeometry(page: Page): Promise<WallGeometry> {
  return page.evaluate(() => {
    const doc = document.documentElement;
    const scrollable = doc.scrollHeight > window.innerHeight + 0.5 || doc.scrollWidth > window.innerWidth + 0.5;
    const tiles = Array.from(document.querySelectorAll<HTMLElement>('[data-testid="wall"] [data-testid="env-tile"]'));
    const offscreen: string[] = [];
    const clipped: string[] = [];
    for (const t of tiles) {
      const r = t.getBoundingClientRect();
      if (r.left < -0.5 || r.top < -0.5 || r.right > window.innerWidth + 0.5 || r.bottom > window.innerHeight + 0.5) offscreen.push(t.dataset.envId ?? "?");
      // Content taller than the tile, or any line cut short (ellipsis or clamp) counts as cut off.
      if (t.scrollHeight > t.clientHeight + 1) clipped.push(`${t.dataset.envId}: tile overflows (${t.scrollHeight} > ${t.clientHeight})`);
      for (const el of Array.from(t.querySelectorAll<HTMLElement>("div"))) {
        if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1) {
          clipped.push(`${t.dataset.envId}: "${el.textContent}" (${el.className})`);
        }
        const er = el.getBoundingClientRect();
        if (er.bottom > r.bottom + 0.5 || er.right > r.right + 0.5) clipped.push(`${t.dataset.envId}: "${el.textContent}" outside its tile`);
      }
    }
    let smallestFontPx = Infinity;
    let smallestText = "";
    const walker = document.createTreeWalker(document.querySelector('[data-testid="wall"]') ?? document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.textContent?.trim();
      const el = n.parentElement;
      if (!text || !el || el.closest(".sr-only")) continue;
      const size = parseFloat(getComputedStyle(el).fontSize);
      if (size < smallestFontPx) {
        smallestFontPx = size;
        smallestText = text;
      }
    }
    return { scrollable, tiles: tiles.length, offscreen, clipped, smallestFontPx, smallestText };
  });
}

/** CDP metrics after a forced garbage collection: JS heap, DOM nodes, event listeners. */
export async function memoryMetrics(page: Page): Promise<{ heapMB: number; nodes: number; listeners: number; documents: number }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Performance.enable");
  await cdp.send("HeapProfiler.collectGarbage");
  await cdp.send("HeapProfiler.collectGarbage");
  const { metrics } = await cdp.send("Performance.getMetrics");
  await cdp.detach();
  const m = new Map(metrics.map((x) => [x.name, x.value]));
  return {
    heapMB: Math.round(((m.get("JSHeapUsedSize") ?? 0) / 1024 / 1024) * 100) / 100,
    nodes: m.get("Nodes") ?? 0,
    listeners: m.get("JSEventListeners") ?? 0,
    documents: m.get("Documents") ?? 0,
  };
}
