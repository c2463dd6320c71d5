import { describe, expect, it } from "vitest";
import type { ExpectationConfig, RuleConfig } from "@/lib/config/alerts";
import { evaluate } from "./evaluate";
import { dagView, envView, run } from "./testing/views";
import { isHeld } from "./view";

const rule = (p: Partial<RuleConfig> & Pick<RuleConfig, "when">): RuleConfig => ({ name: "r", forSeconds: 0, channels: ["c"], repeatMinutes: 0, ...p });
const expect_ = (p: Partial<ExpectationConfig> & Pick<ExpectationConfig, "kind">): ExpectationConfig => ({
  name: `e:${p.kind}`,
  environment: "prod",
  dag: "billing_daily",
  timezone: "UTC",
  days: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"],
  channels: ["c"],
  ...p,
});
const T = (s: string) => Date.parse(s);
const keys = (ev: ReturnType<typeof evaluate>) => ev.active.map((c) => c.key);

describe("rules", () => {
  it("status rules follow the environment's status and selectors; unknown environments are held", () => {
    const envs = [
      envView({ id: "a", status: "unreachable", reasons: ["connection refused"], tags: { stage: "prod" } }),
      envView({ id: "b", status: "unreachable", tags: { stage: "dev" } }),
      envView({ id: "c", status: "healthy", tags: { stage: "prod" } }),
      envView({ id: "d", status: "unknown", tags: { stage: "prod" } }),
    ];
    const ev = evaluate({ rules: [rule({ when: { status: ["unhealthy", "unreachable"] }, environments: { tags: { stage: "prod" } } })], expectations: [] }, envs, 0);
    expect(keys(ev)).toEqual(["r|a|"]);
    expect(ev.active[0]).toMatchObject({ status: "unreachable", reasons: ["connection refused"] });
    expect(isHeld(ev.held, "r|d|")).toBe(true);
    expect(isHeld(ev.held, "r|c|")).toBe(false);
    const byId = evaluate({ rules: [rule({ when: { status: ["unreachable"] }, environments: { ids: ["b"] } })], expectations: [] }, envs, 0);
    expect(keys(byId)).toEqual(["r|b|"]);
  });

  it("failing DAGs: one subject per DAG, include/exclude globs; held while the data cannot be trusted", () => {
    const envs = [envView({ id: "a", status: "degraded", failingDags: ["billing_daily", "billing_backfill", "other"] }), envView({ id: "s", status: "degraded", stale: true, failingDags: ["billing_x"] })];
    const ev = evaluate({ rules: [rule({ when: { failingDags: true }, dags: { include: ["billing_*"], exclude: ["*_backfill"] } })], expectations: [] }, envs, 0);
    expect(keys(ev)).toEqual(["r|a|billing_daily"]);
    expect(isHeld(ev.held, "r|s|billing_x")).toBe(true);
  });

  it("import errors and stale data", () => {
    const envs = [envView({ id: "a", status: "degraded", importErrors: 2 }), envView({ id: "b", status: "degraded", stale: true, reasons: ["no answer for 95 s"] })];
    expect(keys(evaluate({ rules: [rule({ when: { importErrors: true } })], expectations: [] }, envs, 0))).toEqual(["r|a|"]);
    const st = evaluate({ rules: [rule({ when: { stale: true } })], expectations: [] }, envs, 0);
    expect(st.active.map((c) => [c.key, c.reasons])).toEqual([["r|b|", ["no answer for 95 s"]]]);
  });
});

describe("finishBy with an IANA zone and weekdays", () => {
  const e = expect_({ kind: "finishBy", finishBy: "07:00", timezone: "Europe/Berlin", days: ["mon", "tue", "wed", "thu", "fri"] });
  const env = (d: Parameters<typeof dagView>[1], p: Parameters<typeof envView>[0] = { id: "prod" }) => [envView({ ...p, dags: [dagView("billing_daily", d)] })];
  const thursday = run("thu", "success", "2026-03-26T05:00:00Z", "2026-03-26T05:30:00Z");

  it("spring forward: Monday's 07:00 is 05:00Z after the change (Friday's was 06:00Z)", () => {
    const dags = { lastSuccess: thursday, newestRun: thursday };
    // Friday 27 March, CET: deadline 06:00Z.
    expect(keys(evaluate({ rules: [], expectations: [e] }, env(dags), T("2026-03-27T05:59:00Z")))).toEqual([]);
    expect(keys(evaluate({ rules: [], expectations: [e] }, env(dags), T("2026-03-27T06:00:00Z")))).toEqual(["e:finishBy|prod|billing_daily"]);
    // A late success on Friday resolves it (met late) and also counts until Monday's deadline.
    const friday = run("fri", "success", "2026-03-27T07:00:00Z", "2026-03-27T07:10:00Z");
    expect(keys(evaluate({ rules: [], expectations: [e] }, env({ lastSuccess: friday, newestRun: friday }), T("2026-03-27T07:11:00Z")))).toEqual([]);
    // Weekend: no deadline. Monday 30 March, CEST: 07:00 local = 05:00Z.
    const mondayEnv = env({ lastSuccess: thursday, newestRun: run("mon", "running", "2026-03-30T04:00:00Z") });
    const late = evaluate({ rules: [], expectations: [e] }, mondayEnv, T("2026-03-30T05:30:00Z"));
    expect(late.active[0]!.reasons).toEqual(["no successful run by 07:00 Europe/Berlin (2026-03-30T05:00:00Z)", "run mon running since 2026-03-30T04:00:00Z"]);
    // One minute earlier the open miss is still Friday's (nothing succeeded since Thursday).
    expect(evaluate({ rules: [], expectations: [e] }, mondayEnv, T("2026-03-30T04:59:00Z")).active[0]!.reasons[0]).toContain("2026-03-27T06:00:00Z");
  });

  it("fall back: Monday 26 October's 07:00 is 06:00Z (Friday's was 05:00Z)", () => {
    const wed = run("wed", "success", "2026-10-21T04:00:00Z", "2026-10-21T04:30:00Z");
    const dags = { lastSuccess: wed, newestRun: wed };
    expect(keys(evaluate({ rules: [], expectations: [e] }, env(dags), T("2026-10-23T05:00:00Z")))).toHaveLength(1);
    const friOk = run("fri", "success", "2026-10-23T04:00:00Z", "2026-10-23T04:30:00Z");
    const f = env({ lastSuccess: friOk, newestRun: friOk });
    expect(keys(evaluate({ rules: [], expectations: [e] }, f, T("2026-10-26T05:30:00Z")))).toEqual([]);
    const miss = evaluate({ rules: [], expectations: [e] }, f, T("2026-10-26T06:00:00Z"));
    expect(miss.active[0]!.reasons).toEqual(["no successful run by 07:00 Europe/Berlin (2026-10-26T06:00:00Z)", "run never created"]);
  });

  it("a local time inside the spring-forward gap falls due right after the gap", () => {
    const g = expect_({ kind: "finishBy", finishBy: "02:30", timezone: "Europe/Berlin" });
    const old = run("old", "success", "2026-03-27T00:00:00Z", "2026-03-27T00:10:00Z");
    const dags = [envView({ id: "prod", dags: [dagView("billing_daily", { lastSuccess: old, newestRun: old })] })];
    const before = evaluate({ rules: [], expectations: [g] }, dags, T("2026-03-29T00:59:00Z"));
    expect(before.active[0]!.reasons[0]).toContain("2026-03-28T01:30:00Z");
    const after = evaluate({ rules: [], expectations: [g] }, dags, T("2026-03-29T01:00:00Z"));
    expect(after.active[0]!.reasons[0]).toContain("2026-03-29T01:00:00Z");
  });

  it("says why: failed, queued, paused, environment down; stale or unreachable data is unknown, never missed", () => {
    const at = T("2026-03-27T06:30:00Z");
    const why = (d: Parameters<typeof dagView>[1], p: Partial<Parameters<typeof envView>[0]> = {}) =>
      evaluate({ rules: [], expectations: [e] }, env({ lastSuccess: thursday, ...d }, { id: "prod", ...p }), at);
    expect(why({ newestRun: run("x", "failed", "2026-03-27T05:00:00Z", "2026-03-27T05:20:00Z") }).active[0]!.reasons[1]).toBe("run x failed");
    expect(why({ newestRun: run("q", "queued", null) }).active[0]!.reasons[1]).toBe("run q queued");
    expect(why({ paused: true, newestRun: thursday }).active[0]!.reasons.slice(1)).toEqual(["DAG paused", "run never created"]);
    expect(why({ newestRun: thursday }, { status: "unhealthy", reasons: ["scheduler heartbeat 95 s old"] }).active[0]!.reasons[1]).toBe(
      "environment unhealthy: scheduler heartbeat 95 s old",
    );
    for (const p of [{ stale: true }, { status: "unreachable" as const }, { status: "unknown" as const }]) {
      const ev = why({ newestRun: thursday }, p);
      expect(ev.active).toEqual([]);
      expect(isHeld(ev.held, "e:finishBy|prod|billing_daily")).toBe(true);
    }
    const notYetKnown = why({ lastSuccess: undefined });
    expect(notYetKnown.active).toEqual([]);
    expect(isHeld(notYetKnown.held, "e:finishBy|prod|billing_daily")).toBe(true);
  });
});

describe("duration, freshness, schedule", () => {
  const now = T("2026-06-01T12:00:00Z");
  it("maxDurationMinutes: a running run older than the limit", () => {
    const e = expect_({ kind: "maxDuration", limitMinutes: 90 });
    const at = (start: string) => evaluate({ rules: [], expectations: [e] }, [envView({ id: "prod", dags: [dagView("billing_daily", { newestRun: run("r1", "running", start) })] })], now);
    expect(at("2026-06-01T10:31:00Z").active).toEqual([]);
    expect(at("2026-06-01T10:00:00Z").active[0]).toMatchObject({ status: "too long", reasons: ["run r1 running for 120 min (limit 90 min)"] });
  });

  it("freshnessHours: the last success is older than that", () => {
    const e = expect_({ kind: "freshness", limitMinutes: 26 * 60 });
    const at = (end: string) => evaluate({ rules: [], expectations: [e] }, [envView({ id: "prod", dags: [dagView("billing_daily", { lastSuccess: run("s", "success", end, end) })] })], now);
    expect(at("2026-05-31T11:00:00Z").active).toEqual([]);
    expect(at("2026-05-31T09:00:00Z").active[0]!.reasons[0]).toBe("last success 2026-05-31T09:00:00Z, 27 h ago (limit 26 h)");
  });

  it("scheduleMissedMinutes: next run time passed that long ago and no newer run; globs skip paused DAGs", () => {
    const e = expect_({ kind: "scheduleMissed", limitMinutes: 30, environment: "*", dag: "*" });
    const due = "2026-06-01T11:00:00Z";
    const envs = [
      envView({
        id: "prod",
        dags: [
          dagView("missed", { nextRunAfter: due, newestRun: run("o", "success", "2026-06-01T10:00:00Z", "2026-06-01T10:05:00Z") }),
          dagView("created", { nextRunAfter: due, newestRun: run("n", "running", "2026-06-01T11:00:05Z") }),
          dagView("recent", { nextRunAfter: "2026-06-01T11:45:00Z" }),
          dagView("paused", { nextRunAfter: due, paused: true }),
        ],
      }),
      envView({ id: "down", status: "unreachable", dags: [dagView("missed", { nextRunAfter: due })] }),
    ];
    const ev = evaluate({ rules: [], expectations: [e] }, envs, now);
    expect(keys(ev)).toEqual(["e:scheduleMissed|prod|missed"]);
    expect(ev.active[0]!.reasons).toEqual(["next run was due 2026-06-01T11:00:00Z, 60 min ago, and no run was created"]);
    expect(isHeld(ev.held, "e:scheduleMissed|down|missed")).toBe(true);
  });
});
