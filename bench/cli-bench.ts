/**
 * `npm run bench:cli`: what `access: cli` costs. MWAA environments on Airflow 2.2.2 with 10, 50 and
 * 200 DAGs, each read through the real MWAA connector (CreateCliToken + `/aws_mwaa/cli`) against
 * the simulator; prints Airflow CLI calls per cycle of each cadence, per DAG, and how the per-DAG
 * run calls were spread. Usage: npm run bench:cli [-- --runs-seconds 10]
 */
import { spawnSync } from "node:child_process";
import { createMwaaConnector } from "@/lib/airflow/mwaa/connector";
import type { CliConnector } from "@/lib/airflow/cli/connector";
import { startSimulator } from "@/sim/index";
import { ensureSimCaSync } from "@/sim/tls";

const ca = ensureSimCaSync().caCertPath;
// The simulator speaks TLS: Node trusts its CA only through NODE_EXTRA_CA_CERTS read at start.
if (process.env.NODE_EXTRA_CA_CERTS !== ca) {
  const r = spawnSync(process.execPath, process.execArgv.concat(process.argv.slice(1)), { stdio: "inherit", env: { ...process.env, NODE_EXTRA_CA_CERTS: ca } });
  process.exit(r.status ?? 1);
}

const argRuns = process.argv.indexOf("--runs-seconds");
const RUNS_S = argRuns > 0 ? Number(process.argv[argRuns + 1]) : 10;
const SIZES = [10, 50, 200];

const sim = await startSimulator({
  environments: SIZES.map((n) => ({ id: `cli-bench-${n}`, kind: "mwaa", airflowVersion: "2.2.2", scenario: "failing-dags", dagCount: n, options: { access: "cli" } })),
});
for (const [k, v] of Object.entries(sim.processEnv)) process.env[k] = v;

/** `/aws_mwaa/cli` calls since the last reset (one environment is measured at a time). */
const cliCalls = () => sim.stats().byRoute["POST /aws_mwaa/cli"] ?? 0;
console.log(`access: cli cost (Airflow 2.2.2 on the simulator, refresh.runs ${RUNS_S} s)`);
console.log("DAGs  swept     health/cycle  dags/cycle  runs/cycle  runs/cycle/DAG  first sweep  spread sweep (target)  tokens");
for (const n of SIZES) {
  const id = `cli-bench-${n}`;
  const c = createMwaaConnector({
    environmentName: id, region: "us-east-1", access: "cli", endpoint: sim.processEnv.AWS_ENDPOINT_URL_MWAA,
    limits: { timeoutMs: 10_000, maxBytes: 16 << 20 }, runsRefreshMs: RUNS_S * 1000,
  }) as CliConnector;
  const s = AbortSignal.timeout(10 * RUNS_S * 1000);
  await c.getPlatform(s);
  sim.resetStats();
  await c.getHealth(s);
  const health = cliCalls();
  sim.resetStats();
  await c.listDags({ offset: 0, limit: 100 }, s);
  await c.listImportErrors({ offset: 0, limit: 100 }, s);
  const dagCalls = cliCalls();
  sim.resetStats();
  let t0 = performance.now();
  await c.listRuns({ offset: 0, limit: 1 }, s); // the first sweep: capped, not spaced
  const first = performance.now() - t0;
  const runCalls = cliCalls();
  sim.resetStats();
  t0 = performance.now();
  await c.listRuns({ offset: 0, limit: 1 }, s); // starts the next sweep, spread over the cycle
  while (c.cliCost().sweep.sweeps < 2) await new Promise((r) => setTimeout(r, 50));
  const spread = performance.now() - t0;
  const active = c.cliCost().sweep.lastSweepCalls;
  console.log(
    [String(n).padEnd(4), String(active).padEnd(8), String(health).padEnd(12), String(dagCalls).padEnd(10), String(runCalls).padEnd(10),
      (runCalls / Math.max(1, active)).toFixed(2).padEnd(14), `${(first / 1000).toFixed(2)} s`.padEnd(11),
      `${(spread / 1000).toFixed(1)} s (${(0.8 * RUNS_S).toFixed(1)} s)`.padEnd(21), c.cliCost().tokens].join("  "),
  );
  c.close?.();
}
await sim.close();
