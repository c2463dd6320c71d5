/**
 * How the wall screen places N environments on a screen without scrolling.
 *
 * Sizes are in "design pixels": pixels at 1920×1080. The wall scales everything by
 * `unit = min(width / 1920, height / 1080)` (also the CSS variable --u; 1080×1920 in portrait), so a
 * 4K screen shows the same layout at twice the size and a 1366×768 screen at 0.71×. At 1080p no
 * text is smaller than 20 px.
 *
 * Three tile densities, richest first; the richest one whose minimum tile size lets every
 * environment fit on one screen wins. When even the smallest does not fit, the wall pages through
 * the environments (worst first, so the first page always holds the problems).
 */
export type Density = "full" | "compact" | "mini";

export const DENSITIES: readonly Density[] = ["full", "compact", "mini"];

/** Minimum tile size per density (design px) for the content each density shows at font scale 1. */
export const MIN_TILE: Record<Density, { w: number; h: number }> = {
  full: { w: 380, h: 236 },
  compact: { w: 320, h: 178 },
  mini: { w: 250, h: 72 },
};

/** Font size of the environment name per density (design px). */
export const NAME_FONT: Record<Density, number> = { full: 30, compact: 24, mini: 20 };

/** Lines the name may take per density (full and compact wrap a long name onto a second line). */
export const NAME_LINES: Record<Density, 1 | 2> = { full: 2, compact: 2, mini: 1 };

/** Horizontal room a tile needs beside its name: padding and the status border (design px). */
export const TILE_CHROME_W = 40;

/**
 * A name may widen a tile up to this factor of its density's minimum; only a name longer than that
 * (some 60 characters on one line) is ever shortened with an ellipsis.
 */
const MAX_WIDEN = 3;

/** Largest font scale, so a handful of environments do not turn into billboards. */
export const MAX_FONT_SCALE = 1.7;

export interface WallLayoutInput {
  count: number;
  /** Area for the tiles, CSS px. */
  width: number;
  height: number;
  /** CSS px per design px. */
  unit: number;
  /** Gap between tiles, design px. */
  gap: number;
  /** Width of the longest environment name at 20 design px bold, design px (0 when unknown). */
  longestName20: number;
  /** Width the longest name needs when wrapped onto two lines at a space (default: half + 15 %). */
  longestName20TwoLines?: number;
}

export interface WallLayout {
  density: Density;
  cols: number;
  rows: number;
  perPage: number;
  pages: number;
  /** Font scale for the tiles (≥ 1): tiles larger than their minimum get larger text. */
  fontScale: number;
}

/** Headroom on measured text widths: font hinting and sub-pixel layout differ a little from canvas. */
const TEXT_SLACK = 1.04;

function minTile(d: Density, input: WallLayoutInput): { w: number; h: number } {
  const base = MIN_TILE[d];
  const twoLines = input.longestName20TwoLines ?? input.longestName20 / 1.7;
  const nameW = NAME_LINES[d] === 2 ? twoLines : input.longestName20;
  const needed = ((nameW * NAME_FONT[d]) / 20) * TEXT_SLACK + TILE_CHROME_W;
  return { w: Math.min(Math.max(base.w, Math.ceil(needed)), Math.round(base.w * MAX_WIDEN)), h: base.h };
}

function fits(extent: number, n: number, tile: number, gap: number): boolean {
  return n * tile + (n - 1) * gap <= extent + 0.5;
}

function maxAlong(extent: number, tile: number, gap: number): number {
  return Math.max(1, Math.floor((extent + gap) / (tile + gap)));
}

/** Picks density, grid and paging for `count` tiles in the given area. Pure; unit-tested. */
export function computeWallLayout(input: WallLayoutInput): WallLayout {
  const { count, unit, gap } = input;
  const W = input.width / unit;
  const H = input.height / unit;
  const n = Math.max(1, count);
  for (const density of DENSITIES) {
    const min = minTile(density, input);
    const maxCols = maxAlong(W, min.w, gap);
    const maxRows = maxAlong(H, min.h, gap);
    if (n > maxCols * maxRows && density !== "mini") continue;
    if (n > maxCols * maxRows || !fits(W, 1, min.w, gap) || !fits(H, 1, min.h, gap)) {
      // Pages of the smallest tiles, as many per page as the screen holds.
      const perPage = maxCols * maxRows;
      return { density, cols: maxCols, rows: maxRows, perPage, pages: Math.ceil(count / perPage) || 1, fontScale: 1 };
    }
    let best: { cols: number; rows: number; scale: number; empty: number } | null = null;
    for (let cols = 1; cols <= maxCols; cols++) {
      const rows = Math.ceil(n / cols);
      if (rows > maxRows) continue;
      const tileW = (W - (cols - 1) * gap) / cols;
      const tileH = (H - (rows - 1) * gap) / rows;
      const scale = Math.min(tileW / min.w, tileH / min.h);
      const empty = cols * rows - n;
      if (!best || scale > best.scale + 1e-9 || (Math.abs(scale - best.scale) <= 1e-9 && empty < best.empty)) {
        best = { cols, rows, scale, empty };
      }
    }
    if (!best) continue;
    return {
      density,
      cols: best.cols,
      rows: best.rows,
      perPage: best.cols * best.rows,
      pages: 1,
      fontScale: Math.max(1, Math.min(MAX_FONT_SCALE, Math.floor(best.scale * 20) / 20)),
    };
  }
  // Unreachable: the mini branch always returns.
  return { density: "mini", cols: 1, rows: 1, perPage: 1, pages: Math.max(1, count), fontScale: 1 };
}

/**
 * The design-px unit for a viewport, matching the CSS `--u`: a 1920×1080 screen, or 1080×1920 when
 * the screen is mounted in portrait.
 */
export function wallUnit(viewportWidth: number, viewportHeight: number): number {
  return viewportHeight > viewportWidth
    ? Math.min(viewportWidth / 1080, viewportHeight / 1920)
    : Math.min(viewportWidth / 1920, viewportHeight / 1080);
}
