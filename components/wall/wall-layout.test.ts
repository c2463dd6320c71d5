import { describe, expect, it } from "vitest";
import { computeWallLayout, MIN_TILE, wallUnit, type WallLayoutInput } from "./wall-layout";

/** The tile area of the wall at a viewport size: the header and padding take ~90 design px. */
function area(vw: number, vh: number, count: number, longestName20 = 200): WallLayoutInput {
  const unit = wallUnit(vw, vh);
  return { count, width: vw - 24 * unit, height: vh - 100 * unit, unit, gap: 10, longestName20 };
}

function tileSize(l: ReturnType<typeof computeWallLayout>, a: WallLayoutInput) {
  const W = a.width / a.unit;
  const H = a.height / a.unit;
  return { w: (W - (l.cols - 1) * a.gap) / l.cols, h: (H - (l.rows - 1) * a.gap) / l.rows };
}

describe("computeWallLayout", () => {
  it("shows a dozen environments as large full tiles on one page at 1080p", () => {
    const a = area(1920, 1080, 12);
    const l = computeWallLayout(a);
    expect(l).toMatchObject({ density: "full", pages: 1 });
    expect(l.cols * l.rows).toBeGreaterThanOrEqual(12);
    const t = tileSize(l, a);
    expect(t.w).toBeGreaterThanOrEqual(MIN_TILE.full.w * l.fontScale);
    expect(t.h).toBeGreaterThanOrEqual(MIN_TILE.full.h * l.fontScale);
    expect(l.fontScale).toBeGreaterThan(1);
  });

  it("is the same layout at 1366×768, 1920×1080 and 3840×2160 (everything scales with the unit)", () => {
    for (const n of [12, 14, 40, 300]) {
      const [a, b, c] = [area(1366, 768, n), area(1920, 1080, n), area(3840, 2160, n)].map(computeWallLayout);
      expect(a.pages).toBe(b.pages);
      expect(c).toEqual(b);
      expect(a.density).toBe(b.density);
    }
  });

  it("falls back to denser tiles before paging, and pages 300 environments", () => {
    expect(computeWallLayout(area(1920, 1080, 24)).density).toBe("compact");
    expect(computeWallLayout(area(1920, 1080, 40)).density).toBe("mini");
    const many = computeWallLayout(area(1920, 1080, 300));
    expect(many.density).toBe("mini");
    expect(many.pages).toBeGreaterThan(1);
    expect(many.perPage * many.pages).toBeGreaterThanOrEqual(300);
    expect(many.perPage * (many.pages - 1)).toBeLessThan(300);
  });

  it("widens tiles for long names instead of cutting them off", () => {
    const short = computeWallLayout(area(1920, 1080, 300, 150));
    const long = computeWallLayout(area(1920, 1080, 300, 320));
    expect(long.cols).toBeLessThan(short.cols);
    const a = area(1920, 1080, 300, 320);
    expect(long.density).toBe("mini");
    expect(tileSize(long, a).w).toBeGreaterThanOrEqual(320 + 40);
  });

  it("never returns more cells per page than fit, even on a portrait screen", () => {
    const a = area(1080, 1920, 100);
    const l = computeWallLayout(a);
    const t = tileSize(l, a);
    expect(t.w).toBeGreaterThanOrEqual(MIN_TILE[l.density].w - 0.01);
    expect(t.h).toBeGreaterThanOrEqual(MIN_TILE[l.density].h - 0.01);
  });

  it("lets full and compact tiles wrap a long name instead of widening for it", () => {
    const l = computeWallLayout(area(1920, 1080, 12, 360));
    expect(l.density).toBe("full");
    expect(l.cols).toBeGreaterThanOrEqual(4);
  });

  it("treats a portrait screen as 1080×1920", () => {
    expect(wallUnit(1080, 1920)).toBe(1);
    expect(wallUnit(2160, 3840)).toBe(2);
    expect(wallUnit(1920, 1080)).toBe(1);
  });

  it("handles an empty selection", () => {
    expect(computeWallLayout(area(1920, 1080, 0)).pages).toBe(1);
  });
});
