import "server-only";
import { AlertEngine } from "@/lib/alerts/engine";
import { MonitorViews } from "@/lib/alerts/monitor-view";
import { MemoryAlertStore, type AlertStore } from "@/lib/alerts/records";
import type { FlightboardConfig } from "@/lib/config/types";
import type { FleetMonitor } from "@/lib/monitor/monitor";

/** Whether the configuration has anything for alerting to do. */
export function alertingConfigured(config: FlightboardConfig): config is FlightboardConfig & { alerts: NonNullable<FlightboardConfig["alerts"]> } {
  const a = config.alerts;
  return Boolean(a && (a.channels.length > 0 || a.rules.length > 0 || a.expectations.length > 0));
}

/**
 * Starts alerting beside the monitor (contract §8): evaluation on every snapshot change and every
 * two seconds, sending off the request path. Returns null when the configuration has no alerts.
 */
export async function startAlerting(monitor: FleetMonitor, config: FlightboardConfig, store: AlertStore = new MemoryAlertStore()): Promise<{ engine: AlertEngine; views: MonitorViews; stop: () => void } | null> {
  if (!alertingConfigured(config)) return null;
  const alerts = config.alerts;
  const views = new MonitorViews(monitor, alerts.expectations);
  const engine = new AlertEngine({ config: alerts, store, environments: () => views.views() });
  await engine.start();
  const unsubscribe = monitor.subscribe(() => void engine.evaluateNow());
  console.log(
    `flightboard: alerts: ${alerts.rules.length} rule(s), ${alerts.expectations.length} expectation check(s), ` +
      `${alerts.channels.length} channel(s)${alerts.channels.some((c) => c.disabled) ? ` (${alerts.channels.filter((c) => c.disabled).length} disabled)` : ""}`,
  );
  // Stopping also lets go of the monitor: a replica that leads, steps down and leads again must not
  // leave a listener per term behind.
  return { engine, views, stop: () => (unsubscribe(), engine.stop()) };
}

/**
 * A follower replica's alerting (contract §11): an engine that never evaluates nor sends, whose
 * memory is what the leader stored, read again on every `refresh` (the leader announces each
 * change). Reads answer as on the leader; silences added here are stored for the leader to take.
 */
export function mirrorAlerting(
  monitor: FleetMonitor,
  config: FlightboardConfig,
  store: AlertStore & { read: AlertStore["load"] },
): { engine: AlertEngine; views: MonitorViews; stop: () => void; refresh: () => Promise<void> } | null {
  if (!alertingConfigured(config)) return null;
  const alerts = config.alerts;
  // No expectations: a follower's views never look a DAG's runs up (followers call no Airflow for alerting).
  const views = new MonitorViews(monitor, []);
  const engine = new AlertEngine({ config: alerts, store, environments: () => views.views() });
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  // One read at a time; announcements during a read make one more read after it, not one each.
  const refresh = async (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        const stored = await store.read(Date.now(), 500);
        if (!stopped) engine.mirror(stored);
      } while (again && !stopped);
    })().finally(() => (running = null));
    return running;
  };
  return { engine, views, refresh, stop: () => ((stopped = true), engine.stop()) };
}
