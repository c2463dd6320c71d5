// A short measurement for issue 11's DAG browser: one simulated environment with many DAGs, the
// /dags API asked for one page (what the browser does) versus the whole list. Needs a build.
import { startFlightboard, startSimulatedFleet } from "../e2e/helpers/servers";

const DAGS = Number(process.argv[2] ?? 5000);
const sim = await startSimulatedFleet(1, ["--dags", String(DAGS)]);
const server = await startFlightboard({ configFile: sim.configFile, env: sim.env });
try {
  const fleet = (await (await fetch(`${server.baseURL}/api/v1/fleet`)).json()) as { environments: { id: string }[] };
  const id = fleet.environments[0].id;
  const url = (qs: string) => `${server.baseURL}/api/v1/environments/${id}/dags${qs}`;
  for (let i = 0; i < 120; i++) {
    const r = (await (await fetch(url("?limit=1"))).json()) as { total: number };
    if (r.total >= DAGS) break;
    await new Promise((res) => setTimeout(res, 1000));
  }
  const time = async (qs: string, n = 20) => {
    const ms: number[] = [];
    let bytes = 0;
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      bytes = (await (await fetch(url(qs))).text()).length;
      ms.push(performance.now() - t0);
    }
    ms.sort((a, b) => a - b);
    return `${qs || "(whole list)"}: median ${ms[n >> 1].toFixed(1)} ms, p95 ${ms[Math.floor(n * 0.95)].toFixed(1)} ms, ${(bytes / 1024).toFixed(0)} KB`;
  };
  console.log(`${DAGS} DAGs in one environment`);
  console.log(await time("?limit=50&offset=0"));
  console.log(await time("?limit=50&offset=4900&sort=lastRun&dir=desc"));
  console.log(await time("?limit=50&sort=state&q=_1"));
  console.log(await time("", 5));
} finally {
  await server.stop();
  await sim.stop();
}
