// One replica as a real process, for lib/server/replicas.process.test.ts (run with `node --import tsx`):
// the simulator's configuration comes in FB_SIM (JSON: config and processEnv), PostgreSQL in FB_PG_URL.
// It prints `role <leader|follower>` on every change, so the test sees takeovers from outside.
import { validateConfig } from "@/lib/config/load";
import { createConnectorForEnvironment } from "@/lib/monitor/connectors";
import { FleetMonitor } from "@/lib/monitor/monitor";
import { HistoryStore } from "@/lib/store/index";
import { Replica } from "../replicas";

const { config: raw, processEnv } = JSON.parse(process.env.FB_SIM ?? "{}");
const config = validateConfig(raw, "test", processEnv);
const store = await HistoryStore.open({ target: { kind: "postgres", url: process.env.FB_PG_URL ?? "" }, writer: { intervalMs: 200 } });
const monitor = new FleetMonitor({
  config,
  createConnector: createConnectorForEnvironment,
  stagger: false,
  onPoll: ({ env, cadence, at }) => {
    if (env.checkedAt !== null) store.recorder.observe(env.summary, at, cadence === "health" ? config.refresh.health * 1000 : null, env.statusSince);
  },
});
let last = "";
const replica = new Replica({ monitor, store, url: process.env.FB_PG_URL ?? "", ttlMs: Number(process.env.FB_TTL_MS ?? 20_000), retryMs: 200, log: () => {} });
replica.start();
setInterval(() => {
  if (replica.current !== last) console.log(`role ${(last = replica.current)}`);
}, 20);
