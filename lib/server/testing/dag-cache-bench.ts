// What mirroring the DAG cache costs at scale (README "Several replicas"): run with
//   node scripts/with-postgres.mjs npx tsx lib/server/testing/dag-cache-bench.ts [environments] [dags]
// A leader and a follower DagMirror (lib/server/replica-dags.ts) on a real PostgreSQL; the leader's
// snapshots are set through the monitor's mirror entry (its polls need no Airflow here). Measures the
// first full write and load, a runs poll that moves 1% of the DAGs, an unchanged DAG poll, and how
// long the event loop was held at most meanwhile (what a cached read would have waited).
import type { Connector, Dag, DagRun } from "@/lib/airflow/types";
import type { FlightboardConfig } from "@/lib/config/types";
import { FleetMonitor } from "@/lib/monitor/monitor";
import { HistoryStore } from "@/lib/store/index";
import { LeaderLease } from "@/lib/store/replication";
import { testBackends } from "@/lib/store/testing/backends";
import { DagMirror } from "../replica-dags";
import { until } from "./wait";

const ENVS = Number(process.argv[2] ?? 100);
const DAGS = Number(process.argv[3] ?? 2000);
const pgBackend = testBackends().find((b) => b.name === "postgres");
if (!pgBackend) throw new Error("needs PostgreSQL: node scripts/with-postgres.mjs npx tsx lib/server/testing/dag-cache-bench.ts");

const ids = Array.from({ length: ENVS }, (_, i) => `env-${i}`);
const config = { environments: ids.map((id) => ({ id, name: id, tags: {}, kind: "airflow", target: { url: `http://${id}.test` } })), refresh: { health: 30, runs: 60, dags: 300 }, timeoutSeconds: 10 } as unknown as FlightboardConfig;
const connector = { kind: "airflow", apiVersion: () => "v1", uiUrl: () => null } as unknown as Connector;
const monitor = () => new FleetMonitor({ config, createConnector: () => connector, stagger: false });
const iso = (ms: number) => new Date(ms).toISOString();
const T0 = Date.parse("2026-12-06T00:00:00Z");

function dag(env: string, i: number): Dag {
  return { dagId: `${env}_dag_${String(i).padStart(5, "0")}`, displayName: null, paused: i % 10 === 0, active: true, tags: ["team-a", `tier-${i % 3}`], owners: ["airflow"], schedule: "0 * * * *", nextRunAt: iso(T0 + 3_600_000), nextRunAfter: iso(T0 + 3_600_000), hasImportErrors: false };
}
function run(dagId: string, n: number, state: DagRun["state"]): DagRun {
  const start = iso(T0 + n * 3_600_000);
  return { dagId, runId: `scheduled__${start}`, state, runType: "scheduled", logicalDate: start, startDate: start, endDate: state === "running" ? null : start, updatedAt: start };
}

/** The longest the event loop was held while `fn` ran. */
async function held<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number; maxLagMs: number }> {
  let last = performance.now();
  let maxLag = 0;
  const t = setInterval(() => {
    const now = performance.now();
    maxLag = Math.max(maxLag, now - last - 5);
    last = now;
  }, 5);
  const t0 = performance.now();
  const value = await fn();
  const ms = performance.now() - t0;
  clearInterval(t);
  return { value, ms, maxLagMs: maxLag };
}

const db = await pgBackend.fresh();
const url = (db.target as { url: string }).url;
await (await HistoryStore.open({ target: { kind: "postgres", url } })).close();
const lease = new LeaderLease(url);
await lease.acquire(600_000);
const leaderMonitor = monitor();
const followerMonitor = monitor();
const leader = new DagMirror({ monitor: leaderMonitor, url, holder: lease.holder, log: console.log });
const follower = new DagMirror({ monitor: followerMonitor, url, holder: "nobody", log: console.log });
// Driven by hand here: no timer, one publish per step.
const internals = (m: DagMirror) => m as unknown as { leading: boolean; publish(): Promise<void>; loading: boolean; pending: unknown };
internals(leader).leading = true;
const publish = () => internals(leader).publish();
const loadAll = async () => {
  follower.load(null);
  await until("the follower's load", () => !internals(follower).loading && internals(follower).pending === null, 600_000, 5);
};
const step = async (what: string) => {
  const before = { ...leader.stats };
  const w = await held(publish);
  const r = await held(loadAll);
  const s = leader.stats;
  console.log(
    `${what}: leader wrote ${s.environments - before.environments} environment rows, ${s.runRows - before.runRows} per-DAG rows, ${((s.bytes - before.bytes) / 1e6).toFixed(2)} MB in ${w.ms.toFixed(0)} ms (event loop held at most ${w.maxLagMs.toFixed(0)} ms); follower loaded in ${r.ms.toFixed(0)} ms (held at most ${r.maxLagMs.toFixed(0)} ms)`,
  );
};

for (const id of ids) {
  const dags = new Map(Array.from({ length: DAGS }, (_, i) => dag(id, i)).map((d) => [d.dagId, d]));
  const entries = [...dags.keys()].map((d, i) => [d, { newest: run(d, 0, i % 50 === 0 ? "failed" : "success") }] as [string, { newest: DagRun }]);
  for (const e of entries) Object.assign(e[1], { latest: e[1].newest, success: e[1].newest.state === "success" ? e[1].newest : undefined });
  leaderMonitor.mirrorDags(id, { list: { dags, importErrors: [] }, runs: { entries, full: true }, meta: { dagsAt: T0, runsLoaded: true, runsAt: T0, runsCursor: iso(T0), recentFailed: [] } });
}
console.log(`${ENVS} environments × ${DAGS} DAGs; RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
await step("first write and load");

// A runs poll in every environment: 1% of the DAGs have a new run.
for (const id of ids) {
  const moved = Array.from({ length: Math.ceil(DAGS / 100) }, (_, i) => `${id}_dag_${String(i * 100).padStart(5, "0")}`);
  const entries = moved.map((d) => [d, { newest: run(d, 1, "running"), latest: leaderMonitor.environment(id)!.runs.latestFinished(d) }] as [string, { newest: DagRun; latest?: DagRun }]);
  leaderMonitor.mirrorDags(id, { runs: { entries, full: false }, meta: { dagsAt: T0, runsLoaded: true, runsAt: T0 + 60_000, runsCursor: iso(T0 + 60_000), recentFailed: [] } });
}
await step("a runs poll moving 1% of the DAGs everywhere");

// A DAG poll everywhere that found the same DAGs (new objects, same content).
for (const id of ids) leaderMonitor.mirrorDags(id, { list: { dags: new Map([...leaderMonitor.environment(id)!.dags!].map(([k, d]) => [k, { ...d }])), importErrors: [] } });
await step("an unchanged DAG poll everywhere");

const same = ids.every((id) => {
  const [a, b] = [leaderMonitor.environment(id)!, followerMonitor.environment(id)!];
  return a.dags!.size === b.dags!.size && [...a.dags!.keys()].every((d) => a.runs.lastRunState(d) === b.runs.lastRunState(d)) && a.failingDags().length === b.failingDags().length;
});
console.log(`follower matches the leader: ${same}; RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
await leader.close();
await follower.close();
await lease.close();
leaderMonitor.stop();
followerMonitor.stop();
await db.drop();
