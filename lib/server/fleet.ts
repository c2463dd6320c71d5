import "server-only";
import { announceAuth } from "@/lib/auth/announce";
import { ConfigError, loadConfigFile, resolveConfigPath, validateConfig } from "@/lib/config/load";
import type { FlightboardConfig } from "@/lib/config/types";
import { createConnectorForEnvironment, createDiscoverers } from "@/lib/monitor/connectors";
import { FleetMonitor, statusChangeLine } from "@/lib/monitor/monitor";
import type { AlertEngine } from "@/lib/alerts/engine";
import { startAlerting } from "./alerting";
import { recordPoll, setAlertsFiringSource } from "./metrics";
import { restoreFreezes } from "./freeze";
import { attachHistory, historyRecorder, openHistory } from "./history";
import { startReplica } from "./replica-wiring";

/**
 * The one server-only accessor to the fleet monitor. The monitor lives in `globalThis` because
 * Next.js may load this module more than once (instrumentation, route handlers, pages), and there
 * must be exactly one monitor per process.
 */

export interface FleetRuntime {
  monitor: FleetMonitor;
  config: FlightboardConfig;
  demo: boolean;
  /** Alerting (contract §8); null when the configuration has none. */
  alerts?: AlertEngine | null;
  /** Closes the in-process simulator in demo mode. */
  close(): Promise<void>;
}

const slot = globalThis as typeof globalThis & { __flightboard?: Promise<FleetRuntime> };

export function getFleet(): Promise<FleetRuntime> {
  slot.__flightboard ??= boot().catch((e: unknown) => {
    if (e instanceof ConfigError) {
      console.error(`flightboard: ${e.message}`);
      process.exit(2);
    }
    throw e;
  });
  return slot.__flightboard;
}

async function boot(): Promise<FleetRuntime> {
  const file = resolveConfigPath();
  let config: FlightboardConfig;
  let closeSim: () => Promise<void> = async () => {};
  if (file) {
    config = loadConfigFile(file);
  } else {
    // Demo mode (contract §6): the simulator runs in-process and is monitored through the real connectors.
    const { startSimulator, fullDemoFleet } = await import("@/sim/index");
    const sim = await startSimulator({ environments: fullDemoFleet() });
    // The planes' settings (AWS endpoint and test credentials, metadata host, the demo's secrets)
    // are process settings the SDKs read. They override the shell's: a developer's own AWS or gcloud
    // credentials must not leak into the demo, nor break it.
    for (const [k, v] of Object.entries(sim.processEnv)) process.env[k] = v;
    config = validateConfig(sim.config, "demo", process.env);
    closeSim = () => sim.close();
  }
  // History opens first: restored summaries are on the board from the first request (contract §7).
  const store = await openHistory(config, !file);
  // Frozen environments (issue 15) show as frozen from the first summary.
  if (store) await restoreFreezes(store).catch((e: unknown) => console.error("flightboard: could not read freezes:", e instanceof Error ? e.message : e));
  const restored = new Map([...(store?.restored ?? [])].map(([id, r]) => [id, r.summary]));
  const monitor = new FleetMonitor({
    config,
    restored,
    onPoll: store ? historyRecorder(store, config.refresh.health * 1000) : undefined,
    createConnector: createConnectorForEnvironment,
    discoverers: createDiscoverers(config),
    onInternalError: (e) => console.error("flightboard: internal error:", e instanceof Error ? e.message : e),
    onStatusChange: (c) => console.log(`flightboard: ${statusChangeLine(c)}`),
    onPollDone: recordPoll,
  });
  // With PostgreSQL, replicas elect who polls (contract §11); otherwise this process is the only one.
  const url = store?.postgresUrl ?? null;
  if (!url || !store) monitor.start();
  if (store) attachHistory(store, monitor, !url);
  console.log(
    `flightboard: monitoring ${config.environments.length} environment(s) from ${file ?? "the built-in demo fleet"}` +
      ` (refresh ${config.refresh.health}/${config.refresh.runs}/${config.refresh.dags} s)`,
  );
  announceAuth(config.auth, file);
  // Unset channel secrets do not stop the server (contract §8); say which channels are off, by path.
  for (const w of config.alerts?.warnings ?? []) console.warn(`flightboard: ${w}`);
  let alerting: Awaited<ReturnType<typeof startAlerting>> = null;
  // Several replicas: alerting runs on the leader only (lib/server/replica-wiring.ts).
  const replica = url && store ? startReplica({ monitor, store, url, config }, (a) => (alerting = a)) : null;
  // Alert state lives with history (one database); without history (demo mode when it could not open) in memory.
  if (!replica) alerting = await startAlerting(monitor, config, store?.alertStore());
  setAlertsFiringSource(() => [...(alerting?.engine.firingByEnvironment().values() ?? [])].reduce((a, n) => a + n, 0));
  return {
    monitor,
    config,
    demo: !file,
    get alerts() {
      return alerting?.engine ?? null;
    },
    close: async () => {
      await replica?.stop();
      monitor.stop();
      if (alerting) {
        alerting.stop();
        // Let a send in flight finish (bounded): its attempt is then recorded, not lost.
        await Promise.race([alerting.engine.settle(), new Promise((r) => setTimeout(r, 3000))]);
      }
      await store?.close();
      await closeSim();
    },
  };
}
