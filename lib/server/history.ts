import "server-only";
import { demoStorage, storageTarget } from "@/lib/config/storage";
import type { FlightboardConfig } from "@/lib/config/types";
import type { HistoryHealth } from "@/lib/monitor/dto";
import type { FleetMonitor, PollOutcome } from "@/lib/monitor/monitor";
import { HistoryStore, StoreError } from "@/lib/store/index";
import { addReadinessCheck } from "./readiness";
import { onShutdown } from "./shutdown";

/**
 * The process's history store (contract §7), next to the monitor in `globalThis` for the same
 * reason: Next.js may load server modules more than once, and one process owns one store.
 */
const slot = globalThis as typeof globalThis & { __flightboardHistory?: HistoryStore | null };

/** The history store, or null when history is off (it failed to open in demo mode). */
export function history(): HistoryStore | null {
  return slot.__flightboardHistory ?? null;
}

/** Whether history is being recorded, for the board (`/fleet` extension). */
export function historyHealth(): HistoryHealth {
  const h = history();
  return h ? h.health() : { state: "off", message: "history is off" };
}

let lastLogged = 0;
function logStoreError(message: string): void {
  // A failing database is retried every few seconds; one line per minute is enough to notice.
  if (Date.now() - lastLogged < 60_000) return;
  lastLogged = Date.now();
  console.error(`flightboard: history: ${message.split("\n")[0].slice(0, 300)}`);
}

/**
 * Opens history before the monitor starts. A configured database that cannot be opened or migrated
 * ends the process with one line (exit 3, as the start script's check); demo mode runs without
 * history instead, since `npm start` must need nothing.
 */
export async function openHistory(config: FlightboardConfig, demo: boolean): Promise<HistoryStore | null> {
  if (slot.__flightboardHistory !== undefined) return slot.__flightboardHistory;
  try {
    const target = storageTarget(demo ? demoStorage() : config.storage ?? demoStorage());
    const store = await HistoryStore.open({ target, retention: config.retention, onError: logStoreError });
    slot.__flightboardHistory = store;
    console.log(`flightboard: history in ${demo ? "a temporary SQLite file (demo mode)" : store.describe}`);
    return store;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (!demo) {
      console.error(`flightboard: history database unusable; stopping: ${message}`);
      process.exit(3);
    }
    console.error(`flightboard: history is off in demo mode: ${message}`);
    slot.__flightboardHistory = null;
    return null;
  }
}

/** Connects a started store to the monitor: uptime into summaries, shutdown flush, readiness. */
export function attachHistory(store: HistoryStore, monitor: FleetMonitor, maintain = true): void {
  store.onUptime((u) => monitor.setUptime(u));
  // Several replicas: only the leader maintains (lib/server/replicas.ts starts it on promotion).
  if (maintain) store.start();
  onShutdown("history", () => store.close(), "storage");
  addReadinessCheck(
    "storage",
    () => {
      const h = store.health();
      if (h.state !== "ok") throw new Error(h.message ?? "history degraded");
    },
    // With a stored summary for every environment the board is useful before the first cycle ends.
    () => monitor.environments().every((env) => env.checkedAt !== null || env.showingRestored),
  );
}

/** The monitor's per-poll hook: queue what history records (never waits on the database). */
export function historyRecorder(store: HistoryStore, healthIntervalMs: number): (p: PollOutcome) => void {
  return ({ env, cadence, at, finishedRuns }) => {
    if (finishedRuns.length > 0) store.recorder.recordRuns(env.id, finishedRuns.map((r) => env.runDto(r)));
    // Until this process has polled it, the summary is the restored one: nothing new to record.
    if (env.checkedAt === null) return;
    store.recorder.observe(env.summary, at, cadence === "health" ? healthIntervalMs : null, env.statusSince);
  };
}

export { StoreError };
