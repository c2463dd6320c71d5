import { describe, expect, it } from "vitest";
import { nextOccurrence, windowAt } from "./calendar";

const T = (s: string) => Date.parse(s);

describe("maintenance windows in local time", () => {
  const w = { at: "02:00", timezone: "Europe/Berlin", days: ["sun"] as const, durationMinutes: 120 };
  it("Sunday 02:00–04:00 Berlin is 01:00–03:00Z in winter and, on the spring-forward night, starts after the gap", () => {
    expect(windowAt(T("2026-03-22T00:59:00Z"), w)).toBeNull();
    expect(windowAt(T("2026-03-22T01:00:00Z"), w)).toEqual({ start: T("2026-03-22T01:00:00Z"), end: T("2026-03-22T03:00:00Z") });
    expect(windowAt(T("2026-03-22T03:00:00Z"), w)).toBeNull();
    // 29 March: 02:00 local does not exist; the window opens at 03:00 CEST (01:00Z) and lasts 120 minutes.
    expect(windowAt(T("2026-03-29T02:59:00Z"), w)).toEqual({ start: T("2026-03-29T01:00:00Z"), end: T("2026-03-29T03:00:00Z") });
    expect(nextOccurrence(T("2026-03-29T03:00:00Z"), w.at, w.timezone, w.days)).toBe(T("2026-04-05T00:00:00Z"));
  });

  it("on the fall-back night 02:00 is its first occurrence (00:00Z)", () => {
    expect(windowAt(T("2026-10-25T00:00:00Z"), w)).toEqual({ start: T("2026-10-25T00:00:00Z"), end: T("2026-10-25T02:00:00Z") });
    expect(windowAt(T("2026-10-24T23:59:00Z"), w)).toBeNull();
    expect(windowAt(T("2026-11-01T00:59:00Z"), w)).toBeNull();
    expect(windowAt(T("2026-11-01T01:00:00Z"), w)?.start).toBe(T("2026-11-01T01:00:00Z"));
  });
});
