// A child process for lib/store/crash.test.ts: records polls into a SQLite history file as fast as
// the writer commits them and prints the committed sample count after each batch, until it is killed.
import type { EnvironmentSummary } from "@/lib/monitor/dto";
import { HistoryStore } from "../index";

const file = process.argv[2];
const store = await HistoryStore.open({ target: { kind: "sqlite", path: file }, writer: { intervalMs: 3_600_000 } });
const base = { kind: "airflow", tags: {}, reasons: [], airflowVersion: "2.10.5", apiVersion: "v1", uiUrl: "http://example.invalid", lastSuccessAt: null, stale: false, latencyMs: 40, components: null, schedulerHeartbeat: null, platform: null, dags: null, runs: null, error: null, statusSince: null, uptime: { "24h": null, "7d": null, "30d": null } };
let committed = 0;
for (let t = Date.parse("2026-11-21T00:00:00Z"); ; t += 1000) {
  for (let e = 0; e < 50; e++) {
    const s = { ...base, id: `env-${e}`, name: `env-${e}`, status: (t / 1000 + e) % 7 === 0 ? "unhealthy" : "healthy", checkedAt: new Date(t).toISOString() };
    store.recorder.observe(s as EnvironmentSummary, t, 1000, null);
  }
  await store.writer.flush(true);
  committed += 50;
  process.stdout.write(`${committed}\n`);
}
