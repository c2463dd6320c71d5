import type { FlightboardConfig } from "@/lib/config/types";
import type { FleetMonitor } from "@/lib/monitor/monitor";
import type { FleetRuntime } from "../fleet";

const slot = globalThis as { __flightboard?: Promise<FleetRuntime> };

/** Hands the route handlers this monitor through getFleet(), as a booted server would (no demo, no boot). */
export function installFleetRuntime(monitor: FleetMonitor, config: FlightboardConfig = monitor.config): void {
  slot.__flightboard = Promise.resolve({ monitor, config, demo: false, close: async () => monitor.stop() });
}

/** Takes it back: the next getFleet() would boot a fleet of its own. */
export function removeFleetRuntime(): void {
  delete slot.__flightboard;
}
