import { describe, expect, it } from "vitest";
import type { DagDto, DagRunDto, EnvironmentDetail } from "@/lib/monitor/dto";
import { runsPerHour } from "./runs-per-hour";

const NOW = Date.parse("2026-11-21T12:30:00Z");

function run(startDate: string, state: DagRunDto["state"], dagId = "d"): DagRunDto {
  return { dagId, runId: `r-${startDate}`, state, runType: "scheduled", logicalDate: startDate, startDate, endDate: null, durationS: 10, url: null };
}

function detail(extra: Partial<EnvironmentDetail> & { runsPerHour?: unknown } = {}): EnvironmentDetail {
  return {
    runs: { running: 0, queued: 0, failed24h: 2, succeeded24h: 40 },
    recentFailures: [run("2026-11-21T12:05:00Z", "failed"), run("2026-11-21T01:00:00Z", "failed"), run("2026-11-19T01:00:00Z", "failed")],
    ...extra,
  } as EnvironmentDetail;
}

describe("runsPerHour", () => {
  it("uses the server's buckets when present", () => {
    const server = [{ hour: "2026-11-21T12:00:00Z", success: 3, failed: 1 }];
    const s = runsPerHour({ ...detail(), runsPerHour: server }, [], NOW);
    expect(s.source).toBe("server");
    expect(s.buckets).toBe(server);
    expect(s.note).toBeNull();
  });

  it("estimates 24 hourly buckets ending with the current hour from failures and latest runs", () => {
    const dags = [{ dagId: "a", lastRun: run("2026-11-21T11:10:00Z", "success", "a") }, { dagId: "b", lastRun: run("2026-11-21T12:10:00Z", "failed", "b") }] as DagDto[];
    const s = runsPerHour(detail(), dags, NOW);
    expect(s.source).toBe("estimate");
    expect(s.buckets).toHaveLength(24);
    expect(s.buckets[0].hour).toBe("2026-11-20T13:00:00.000Z");
    expect(s.buckets[23].hour).toBe("2026-11-21T12:00:00.000Z");
    expect(s.buckets[23]).toMatchObject({ failed: 1, success: 0 });
    expect(s.buckets[22]).toMatchObject({ success: 1 });
    expect(s.buckets[12]).toMatchObject({ failed: 1 }); // 01:00 falls in the 01:00 bucket
    expect(s.buckets.reduce((n, b) => n + b.failed, 0)).toBe(2); // the run two days ago is left out
    expect(s.note).toMatch(/Estimated/);
  });
});
