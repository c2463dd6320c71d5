import { describe, expect, it } from "vitest";
import { formatAge, formatDuration } from "./duration-format";

const UNIT_S: Record<string, number> = { s: 1, min: 60, h: 3600, d: 86400 };

/** Reads "1 h 5 min" back into seconds, and checks every part stays below its carry point. */
function parse(text: string): number {
  const parts = text.split(" ");
  expect(parts.length % 2).toBe(0);
  let total = 0;
  for (let i = 0; i < parts.length; i += 2) {
    const n = Number(parts[i]);
    const unit = parts[i + 1];
    expect(UNIT_S[unit], text).toBeDefined();
    expect(Number.isInteger(n), text).toBe(true);
    if (i > 0) {
      // A lower unit never reaches its carry point: no "60 s", "60 min", "24 h" after a higher unit.
      const limit = { s: 60, min: 60, h: 24 }[unit as "s" | "min" | "h"];
      expect(n, text).toBeLessThan(limit);
      expect(n, text).toBeGreaterThan(0);
    }
    total += n * UNIT_S[unit];
  }
  return total;
}

/** Plain read-back (no assertions, so the dense sweeps stay fast); the first value whose text goes down. */
function firstDecrease(format: (s: number) => string, max: number, step: number): string | null {
  let last = -1;
  for (let v = 0; v < max; v += step) {
    const text = format(v);
    const parts = text.split(" ");
    let back = 0;
    for (let i = 0; i < parts.length; i += 2) back += Number(parts[i]) * UNIT_S[parts[i + 1]];
    if (!(back >= last)) return `${v} → ${text}`;
    last = back;
  }
  return null;
}

// Deterministic spread over 0 s … 10 d, dense near every carry point.
function values(): number[] {
  const out: number[] = [];
  for (let i = 0; i < 4000; i++) out.push(((i * 7919) % 4000) * 216 + (i % 100) / 100);
  for (const edge of [60, 120, 3600, 7200, 86400, 172800]) for (let d = -1; d <= 1; d += 0.01) out.push(edge + d);
  return out;
}

describe("formatDuration", () => {
  it("names the issue's carry-over cases", () => {
    expect(formatDuration(59.4)).toBe("59 s");
    expect(formatDuration(59.6)).toBe("1 min");
    expect(formatDuration(119.9)).toBe("2 min");
    expect(formatDuration(3599.5)).toBe("1 h");
    expect(formatDuration(86400)).toBe("1 d");
    expect(formatDuration(86399)).toBe("1 d");
    expect(formatDuration(65)).toBe("1 min 5 s");
    expect(formatDuration(3 * 3600 + 5 * 60)).toBe("3 h 5 min");
    expect(formatDuration(0)).toBe("0 s");
    expect(formatDuration(null)).toBe("—");
    expect(formatDuration(Number.NaN)).toBe("—");
  });

  it("reads back within its rounding, with no part at its carry point, over many values", () => {
    for (const v of values()) {
      const text = formatDuration(v);
      const back = parse(text);
      const precision = v < 3599.5 ? 1 : v < 86370 ? 60 : 3600;
      expect(Math.abs(back - v), `${v} → ${text}`).toBeLessThanOrEqual(precision / 2 + 1e-9);
    }
  });

  it("never goes down as the value goes up", () => {
    expect(firstDecrease(formatDuration, 200000, 0.7)).toBeNull();
  });
});

describe("formatAge", () => {
  it("uses one unit and no carry-point values", () => {
    for (const v of values()) {
      const text = formatAge(v);
      expect(text.split(" "), text).toHaveLength(2);
      parse(text);
      expect(text).not.toMatch(/^(9[0-9]|1\d\d+) s$/);
    }
    expect(formatAge(89.4)).toBe("89 s");
    expect(formatAge(89.6)).toBe("2 min");
    expect(formatAge(387)).toBe("6 min");
    expect(formatAge(null)).toBe("—");
  });

  it("never goes down as the age grows", () => {
    expect(firstDecrease(formatAge, 400000, 1.3)).toBeNull();
  });
});
