import "server-only";
import { AlertEngine } from "@/lib/alerts/engine";
import { MonitorViews } from "@/lib/alerts/monitor-view";
import { MemoryAlertStore, type AlertStore } from "@/lib/alerts/records";
import type { FlightboardConfig } from "@/lib/config/types";
import type { FleetMonitor } from "@/lib/monitor/monitor";

/**
 * Starts alerting beside the monitor (contract §8): evaluation on every snapshot change and every
 * two seconds, sending off the request path. Returns null when the configuration has no alerts.
 */
export async function startAlerting(monitor: FleetMonitor, config: FlightboardConfig, store: AlertStore = new MemoryAlertStore()): Promise<{ engine: AlertEngine; views: MonitorViews; stop: () => void } | null> {
  const alerts = config.alerts;
  if (!alerts || (alerts.channels.length === 0 && alerts.rules.length === 0 && alerts.expectations.length === 0)) return null;
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
