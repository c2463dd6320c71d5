import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testBackends } from "@/lib/store/testing/backends";
import { startSimulator, type Simulator } from "@/sim/index";

/**
 * Three replicas as real processes on one PostgreSQL and the simulator: `kill -9` of the leader,
 * then a follower takes over when the lease expires (no release, no goodbye).
 */

const HEALTH_S = 5;
const TTL_MS = 6_000;
const pgBackend = testBackends().find((b) => b.name === "postgres");

interface Proc {
  child: ChildProcess;
  role: string;
  roleAt: number;
}

describe.skipIf(!pgBackend)("replicas as processes (contract §11)", () => {
  let sim: Simulator;
  let db: Awaited<ReturnType<NonNullable<typeof pgBackend>["fresh"]>>;
  const procs: Proc[] = [];
  const health = () => Object.entries(sim.stats().byRoute).reduce((n, [k, v]) => (/health/.test(k) ? n + v : n), 0);
  const until = async (what: string, fn: () => boolean, ms: number) => {
    const t0 = Date.now();
    while (!fn()) {
      if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  beforeAll(async () => {
    db = await pgBackend!.fresh();
    sim = await startSimulator({ environments: ["a", "b", "c", "d"].map((id) => ({ id, airflowVersion: "3.1.0", scenario: "healthy" as const })) });
    const config = { ...structuredClone(sim.config), refresh: { health: HEALTH_S, runs: 600, dags: 600 } };
    const env = { ...process.env, FB_SIM: JSON.stringify({ config, processEnv: sim.processEnv }), FB_PG_URL: (db.target as { url: string }).url, FB_TTL_MS: String(TTL_MS) };
    for (let i = 0; i < 3; i++) {
      const child = spawn(process.execPath, ["--import", "tsx", "lib/server/testing/replica-process.ts"], { env, stdio: ["ignore", "pipe", "inherit"] });
      const p: Proc = { child, role: "", roleAt: 0 };
      child.stdout!.on("data", (d: Buffer) => {
        for (const m of d.toString().matchAll(/role (\w+)/g)) {
          p.role = m[1];
          p.roleAt = Date.now();
        }
      });
      procs.push(p);
    }
    await until("one leader", () => procs.filter((p) => p.role === "leader").length === 1, 40_000);
  }, 60_000);

  afterAll(async () => {
    for (const p of procs) if (p.child.exitCode === null) p.child.kill("SIGKILL");
    await sim?.close();
    await db?.drop();
  });

  it("one process polls; kill -9 of the leader → a follower leads within the lease, and polling resumes", async () => {
    await new Promise((r) => setTimeout(r, 2_000));
    const before = health();
    await new Promise((r) => setTimeout(r, 4 * HEALTH_S * 1000));
    const perCycle = (health() - before) / 4;
    console.log(`3 processes, 4 environments: ${perCycle} health requests per cycle`);
    expect(perCycle).toBeGreaterThanOrEqual(3);
    expect(perCycle).toBeLessThanOrEqual(5);

    const leader = procs.find((p) => p.role === "leader")!;
    const killedAt = Date.now();
    leader.child.kill("SIGKILL");
    await until("a new leader", () => procs.some((p) => p !== leader && p.role === "leader"), 30_000);
    const takeover = Date.now() - killedAt;
    console.log(`takeover after kill -9 (lease ${TTL_MS} ms): ${takeover} ms`);
    expect(takeover).toBeLessThan(Math.max(2 * HEALTH_S * 1000, 30_000));
    const after = health();
    await new Promise((r) => setTimeout(r, 2 * HEALTH_S * 1000));
    expect(health() - after).toBeGreaterThanOrEqual(4);
    expect(procs.filter((p) => p.role === "leader")).toHaveLength(2); // the dead one's last word, and the new one
  }, 120_000);
});
