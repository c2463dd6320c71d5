import { describe, expect, it } from "vitest";
import type { DagRun } from "@/lib/airflow/types";
import { DagRunReads, ReadsBusy, RUNS_PER_READ } from "./dag-run-reads";

/** The on-demand read queue with a scripted upstream: each call waits until the test answers it. */

function run(dagId: string, i: number): DagRun {
  return { dagId, runId: `r${i}`, state: "success", runType: "scheduled", logicalDate: null, startDate: null, endDate: null, updatedAt: null } as DagRun;
}

function setup(opts: { maxRunning?: number; maxWaiting?: number } = {}) {
  let now = 1_000_000;
  const calls: { dagId: string; limit: number; signal: AbortSignal; answer: () => void; fail: (e: Error) => void }[] = [];
  const reads = new DagRunReads({
    now: () => now,
    ttlMs: 15_000,
    ...opts,
    read: (dagId, limit, signal) =>
      new Promise<DagRun[]>((resolve, reject) => {
        signal.addEventListener("abort", () => reject(new Error("aborted upstream")));
        calls.push({ dagId, limit, signal, answer: () => resolve(Array.from({ length: limit }, (_, i) => run(dagId, i))), fail: reject });
      }),
  });
  const tick = () => new Promise<void>((r) => setImmediate(r));
  return { reads, calls, tick, advance: (ms: number) => void (now += ms) };
}

describe("DagRunReads", () => {
  it("one upstream read of 100 runs serves every limit, sliced, until it is 15 s old", async () => {
    const { reads, calls, tick, advance } = setup();
    const pending = Array.from({ length: 100 }, (_, i) => reads.get("etl", i + 1));
    await tick();
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ dagId: "etl", limit: RUNS_PER_READ });
    calls[0].answer();
    const answers = await Promise.all(pending);
    expect(answers.map((a) => a.length)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(answers[2].map((r) => r.runId)).toEqual(["r0", "r1", "r2"]);
    expect(await reads.get("etl", 7)).toHaveLength(7);
    expect(calls).toHaveLength(1);
    advance(15_000);
    const again = reads.get("etl", 7);
    await tick();
    expect(calls).toHaveLength(2);
    calls[1].answer();
    expect(await again).toHaveLength(7);
  });

  it("holds 2 running and 8 waiting per environment, and refuses the rest at once", async () => {
    const { reads, calls, tick } = setup();
    const accepted = Array.from({ length: 10 }, (_, i) => reads.get(`dag_${i}`, 5));
    await tick();
    expect(calls).toHaveLength(2);
    expect(reads.load).toMatchObject({ running: 2, waiting: 8 });
    const refused = await reads.get("dag_10", 5).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ReadsBusy);
    expect((refused as ReadsBusy).retryAfterS).toBeGreaterThan(0);
    // A DAG already on its way is joined, never refused.
    const joined = reads.get("dag_9", 3);
    for (let i = 0; i < 10; i++) {
      await tick();
      calls[i].answer();
    }
    expect((await Promise.all(accepted)).every((a) => a.length === 5)).toBe(true);
    expect(await joined).toHaveLength(3);
    expect(calls).toHaveLength(10);
    expect(reads.load).toMatchObject({ running: 0, waiting: 0 });
  });

  it("a read whose requesters all went away leaves the queue, or is aborted upstream", async () => {
    const { reads, calls, tick } = setup();
    const gone = Array.from({ length: 6 }, () => new AbortController());
    const results = gone.map((c, i) => reads.get(`dag_${i}`, 1, c.signal).catch((e: Error) => e.name));
    await tick();
    expect(reads.load).toMatchObject({ running: 2, waiting: 4 });
    for (const c of gone) c.abort();
    expect(await Promise.all(results)).toEqual(Array(6).fill("AbortError"));
    await tick();
    // The two in flight were aborted upstream; the four waiting never called it.
    expect(calls).toHaveLength(2);
    expect(calls.every((c) => c.signal.aborted)).toBe(true);
    expect(reads.load).toMatchObject({ running: 0, waiting: 0, cached: 0 });
  });

  it("one requester leaving does not cancel a read another still waits for", async () => {
    const { reads, calls, tick } = setup();
    const leaving = new AbortController();
    const a = reads.get("etl", 2, leaving.signal).catch((e: Error) => e.name);
    const b = reads.get("etl", 3, new AbortController().signal);
    await tick();
    leaving.abort();
    expect(await a).toBe("AbortError");
    expect(calls[0].signal.aborted).toBe(false);
    calls[0].answer();
    expect(await b).toHaveLength(3);
  });

  it("a failed read is not cached", async () => {
    const { reads, calls, tick } = setup();
    const first = reads.get("etl", 1).catch((e: Error) => e.message);
    await tick();
    calls[0].fail(new Error("HTTP 500"));
    expect(await first).toBe("HTTP 500");
    const second = reads.get("etl", 1);
    await tick();
    expect(calls).toHaveLength(2);
    calls[1].answer();
    expect(await second).toHaveLength(1);
  });
});
