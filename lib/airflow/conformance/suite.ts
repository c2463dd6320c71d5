import { describe, expect, it } from "vitest";
import type { SimEnvironmentSpec, Simulator } from "@/sim/index";
import { AirflowError } from "../errors";
import type { Connector } from "../types";
import { DAGS, unsupported, type Capability, type ConformanceTarget, type ErrorCase, type Provocation } from "./targets";

/**
 * The connector conformance suite (the unstorage / Vercel AI SDK pattern): the same cases run
 * against every target of targets.ts through the simulator's real wire protocols. A case a target
 * cannot run is reported as skipped with the target's reason.
 */

/** What the suite needs from the test file that starts the simulator and builds the connectors. */
export interface ConformanceWorld {
  sim(): Simulator;
  /**
   * A new connector for one simulated environment, built from its validated configuration entry by
   * the same mapping the monitor uses; `edit` changes the raw entry first.
   */
  connector(id: string, opts?: { timeoutMs?: number; edit?: (entry: Record<string, unknown>) => void }): Connector;
  /**
   * Runs `fn` with the clock the connectors and the simulator share moved ahead by `ms`, then puts
   * it back (the AWS SDK learns the skew from real-time Date headers, so it cannot stay ahead).
   */
  aged<T>(ms: number, fn: () => Promise<T>): Promise<T>;
  /** Secret values that must never appear in an error message. */
  secrets(): string[];
}

const signal = () => AbortSignal.timeout(20_000);

/** Environment ids of one target's cases. */
export const envId = (t: ConformanceTarget, name: string) => `${t.slug}-${name}`;

const scenarioErrors = (t: ConformanceTarget) =>
  t.errors.flatMap((e, i) => (!unsupported(e.how) && "scenario" in e.how ? [{ id: envId(t, `err${i}`), scenario: e.how.scenario }] : []));

/** The simulator environments one target needs. */
export function specsFor(t: ConformanceTarget): SimEnvironmentSpec[] {
  if (unsupported(t.airflowVersion)) return [];
  const specs = [
    t.spec(envId(t, "healthy"), "healthy"),
    t.spec(envId(t, "sched-down"), "scheduler-down"),
    t.spec(envId(t, "imports"), "import-errors"),
    ...scenarioErrors(t).map((e) => t.spec(e.id, e.scenario)),
  ];
  if (!unsupported(t.writes)) specs.push(t.spec(envId(t, "writes"), "failing-dags"));
  if (!unsupported(t.renewal)) specs.push(t.spec(envId(t, "renewal"), "healthy", t.renewal.options));
  return specs;
}

async function failure(p: Promise<unknown>, secrets: string[]): Promise<AirflowError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e, "the call should have failed").toBeInstanceOf(AirflowError);
  for (const s of secrets) expect((e as Error).message).not.toContain(s);
  return e as AirflowError;
}

async function allPages<T>(read: (offset: number) => Promise<{ items: T[]; total: number }>, size: number): Promise<{ items: T[]; totals: Set<number>; pages: number }> {
  const items: T[] = [];
  const totals = new Set<number>();
  let pages = 0;
  for (let offset = 0; pages < 100; offset += size) {
    const page = await read(offset);
    pages++;
    totals.add(page.total);
    expect(page.items.length).toBeLessThanOrEqual(size);
    items.push(...page.items);
    if (offset + size >= page.total) break;
  }
  return { items, totals, pages };
}

export function describeConformance(t: ConformanceTarget, world: ConformanceWorld): void {
  describe(`${t.name} conforms`, () => {
    if (unsupported(t.airflowVersion)) {
      it.skip(`every case: ${t.airflowVersion.unsupported}`, () => {});
      return;
    }
    const version = t.airflowVersion;
    const id = (name: string) => envId(t, name);

    it("health: healthy components; a scheduler that is down is reported down", async () => {
      const c = world.connector(id("healthy"));
      const h = await c.getHealth(signal());
      expect([h.metadatabase, h.scheduler]).toEqual(["healthy", "healthy"]);
      if (t.heartbeats) expect(h.schedulerHeartbeat).toMatch(/Z$/);
      else expect(h.schedulerHeartbeat).toBeNull();
      expect((await world.connector(id("sched-down")).getHealth(signal())).scheduler).toBe("unhealthy");
    });

    it(`version: Airflow ${version}, API ${t.api ?? "none"}, and the UI base`, async () => {
      const c = world.connector(id("healthy"));
      expect((await c.getVersion(signal())).version).toBe(version);
      expect(c.apiVersion()).toBe(t.api);
      await c.getPlatform(signal());
      expect(c.uiUrl()).toBe(world.sim().url(id("healthy")));
    });

    it("paging: pages add up to total_entries, without duplicates, for DAGs and runs", async () => {
      const c = world.connector(id("healthy"));
      const dags = await allPages((offset) => c.listDags({ offset, limit: 5 }, signal()), 5);
      expect([...dags.totals]).toEqual([DAGS]);
      expect(dags.pages).toBe(Math.ceil(DAGS / 5));
      expect(new Set(dags.items.map((d) => d.dagId)).size).toBe(DAGS);
      expect(dags.items.every((d) => d.active)).toBe(true); // stale DAGs are left out
      // Finished runs never change again; the fleet lives on, so more may finish (at the end) meanwhile.
      const runs = await allPages((offset) => c.listRuns({ states: ["success", "failed"], offset, limit: 100 }, signal()), 100);
      const totals = [...runs.totals];
      expect(runs.pages).toBeGreaterThan(1);
      expect(runs.items.length).toBeGreaterThanOrEqual(Math.min(...totals));
      expect(runs.items.length).toBeLessThanOrEqual(Math.max(...totals));
      expect(new Set(runs.items.map((r) => `${r.dagId}/${r.runId}`)).size).toBe(runs.items.length);
      expect(runs.items.every((r) => r.state === "success" || r.state === "failed")).toBe(true);
    });

    it("incremental runs: only runs updated since the cursor, oldest update first", async () => {
      const c = world.connector(id("healthy"));
      const since = new Date(Date.now() - 6 * 3600_000).toISOString();
      const read = (gte: string) => allPages((offset) => c.listRuns({ updatedAtGte: gte, offset, limit: 100 }, signal()), 100);
      const first = (await read(since)).items;
      expect(first.length).toBeGreaterThan(0);
      const updated = first.map((r) => r.updatedAt!);
      // Airflow 3 reports `updated_at`, the filter's and the order's own key; Airflow 2 filters on it
      // but does not return it, so `updatedAt` is derived from the run's dates and may be earlier (a
      // run re-marked after it ended): only Airflow 3's values can be held to the cursor.
      const exact = t.api === "v2";
      if (exact) expect(updated.every((u) => u >= since)).toBe(true);
      if (exact) expect(updated).toEqual([...updated].sort());
      const cursor = updated[Math.floor(updated.length / 2)];
      const next = (await read(cursor)).items;
      if (exact) expect(next.every((r) => r.updatedAt! >= cursor)).toBe(true);
      // Exactly the runs at or after the cursor, plus any that changed since the first read.
      const key = (r: { dagId: string; runId: string }) => `${r.dagId}/${r.runId}`;
      const seen = new Set(next.map(key));
      const missed = first.filter((r) => r.updatedAt! >= cursor && !seen.has(key(r)));
      expect(missed.map(key)).toEqual([]);
      const known = new Set(first.map(key));
      expect(next.filter((r) => !known.has(key(r)) && r.updatedAt! <= updated[updated.length - 1]).map(key)).toEqual([]);
      expect(next.length).toBeLessThan(first.length);
    });

    it("import errors: none when the DAG files parse, each with its stack trace when not", async () => {
      expect((await world.connector(id("healthy")).listImportErrors({ offset: 0, limit: 50 }, signal())).total).toBe(0);
      const broken = await world.connector(id("imports")).listImportErrors({ offset: 0, limit: 50 }, signal());
      expect(broken.total).toBeGreaterThan(0);
      expect(broken.items.length).toBe(broken.total);
      for (const e of broken.items) expect([e.filename.length > 0, e.stackTrace.length > 0]).toEqual([true, true]);
    });

    it("not found: one DAG's runs are newest first; an unknown DAG is not_found", async () => {
      const c = world.connector(id("healthy"));
      const dag = (await c.listRuns({ offset: 0, limit: 50 }, signal())).items[0].dagId;
      const runs = await c.listDagRuns(dag, 5, signal());
      expect(runs.length).toBeGreaterThan(0);
      expect(runs.every((r) => r.dagId === dag)).toBe(true);
      const starts = runs.map((r) => r.startDate).filter((d) => d !== null); // a queued run has not started
      expect(starts).toEqual([...starts].sort().reverse());
      expect((await failure(c.listDagRuns("no_such_dag", 5, signal()), world.secrets())).kind).toBe("not_found");
    });

    t.errors.forEach((e, i) => errorCase(t, e, i, world));

    caseIfSupported("renewal", "one credential serves many calls; it is renewed exactly once when it expires", t.renewal, async (r) => {
      const c = world.connector(id("renewal"));
      const renewals = () => Object.entries(world.sim().stats().byRoute).filter(([k]) => r.routes.test(k)).reduce((n, [, v]) => n + v, 0);
      await c.listDags({ offset: 0, limit: 5 }, signal());
      // The simulator counts routes fleet-wide: only this test's connector is open now.
      const before = renewals();
      await Promise.all([c.listDags({ offset: 0, limit: 5 }, signal()), c.listImportErrors({ offset: 0, limit: 5 }, signal()), c.listDags({ offset: 5, limit: 5 }, signal())]);
      expect(renewals(), "no renewal while the credential lives").toBe(before);
      world.sim().resetStats();
      await world.aged(r.lifetimeMs + 60_000, async () => {
        await c.listDags({ offset: 0, limit: 5 }, signal());
        await Promise.all([c.listDags({ offset: 0, limit: 5 }, signal()), c.listImportErrors({ offset: 0, limit: 5 }, signal())]);
      });
      expect(renewals(), "one renewal after expiry").toBe(r.perRenewal ?? 1);
    });

    caseIfSupported("writes", "trigger, clear a failed run, pause and resume, each sent exactly once", t.writes, async (w) => {
      const c = world.connector(id("writes"));
      const s = signal();
      const dags = (await c.listDags({ offset: 0, limit: 100 }, s)).items;
      const active = dags.find((d) => !d.paused)!;
      let failed: { dagId: string; runId: string } | undefined;
      for (const d of dags) if (!failed) failed = (await c.listDagRuns(d.dagId, 10, s)).find((x) => x.state === "failed");
      expect(failed, "a failed run to clear").toBeDefined();
      const sim = world.sim();
      sim.resetStats();
      const run = await c.triggerRun!(active.dagId, { conf: { from: "conformance" } }, s);
      expect(run).toMatchObject({ dagId: active.dagId, state: "queued", runType: "manual" });
      expect(await c.clearFailed!(failed!.dagId, failed!.runId, s)).toBe(1);
      expect((await c.setPaused!(active.dagId, true, s)).paused).toBe(true);
      expect((await c.setPaused!(active.dagId, false, s)).paused).toBe(false);
      const got = sim.stats().byRoute;
      const want: Record<string, number> = {};
      for (const op of ["trigger", "clear", "pause", "resume"] as const) want[w.route(op)] = (want[w.route(op)] ?? 0) + 1;
      for (const [route, n] of Object.entries(want)) expect(got[route] ?? 0, route).toBe(n);
      const after = await c.listDagRuns(failed!.dagId, 10, s);
      expect(after.find((x) => x.runId === failed!.runId)?.state).not.toBe("failed");
    });
  });
}

/** `area: what` where the target supports it, else skipped as `area: why not` (the target's reason). */
function caseIfSupported<T>(area: string, what: string, capability: Capability<T>, test: (settings: T) => Promise<void>): void {
  if (unsupported(capability)) return void it.skip(`${area}: ${capability.unsupported}`, () => {});
  const settings: T = capability;
  it(`${area}: ${what}`, () => test(settings));
}

function errorCase(t: ConformanceTarget, e: ErrorCase, i: number, world: ConformanceWorld): void {
  const title = `errors: ${e.name} is ${e.kind}${e.httpStatus ? ` (HTTP ${e.httpStatus})` : ""}`;
  if (unsupported(e.how)) return void it.skip(`${title}: ${e.how.unsupported}`, () => {});
  const how: Provocation = e.how;
  it(title, async () => {
    const c =
      "scenario" in how
        ? world.connector(envId(t, `err${i}`), { timeoutMs: e.timeoutMs })
        : world.connector(envId(t, "healthy"), { timeoutMs: e.timeoutMs, edit: how.edit });
    const call = "reads" in how && how.reads === "platform" ? c.getPlatform(signal()) : c.listDags({ offset: 0, limit: 5 }, signal());
    const err = await failure(call, world.secrets());
    expect(err.kind, err.message).toBe(e.kind);
    if (e.httpStatus) expect(err.httpStatus, err.message).toBe(e.httpStatus);
  });
}
