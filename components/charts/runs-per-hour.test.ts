import { describe, expect, it } from "vitest";
import type { EnvironmentDetail } from "@/lib/monitor/dto";
import { runsPerHour } from "./runs-per-hour";

function detail(extra: Partial<EnvironmentDetail> & { runsPerHour?: unknown } = {}): EnvironmentDetail {
  return { runs: { running: 0, queued: 0, failed24h: 600, succeeded24h: 2135 }, recentFailures: [], ...extra } as EnvironmentDetail;
}

describe("runsPerHour", () => {
  it("draws the server's exact hourly counts when present", () => {
    const server = [{ hour: "2026-11-21T12:00:00.000Z", success: 3, failed: 1, other: 2 }];
    expect(runsPerHour({ ...detail(), runsPerHour: server })).toEqual({ source: "server", buckets: server });
  });

  it("draws no estimate without them: only the exact 24 h totals", () => {
    expect(runsPerHour(detail())).toEqual({ source: "totals", succeeded24h: 2135, failed24h: 600 });
    expect(runsPerHour({ ...detail(), runsPerHour: [] } as never)).toMatchObject({ source: "totals" });
    // A malformed extension is not drawn.
    expect(runsPerHour({ ...detail(), runsPerHour: [{ hour: "x", success: "3" }] } as never)).toMatchObject({ source: "totals" });
  });

  it("says nothing is known before the first runs poll", () => {
    expect(runsPerHour(detail({ runs: null }))).toEqual({ source: "none" });
  });
});
