import "server-only";
import { iso } from "@/lib/monitor/clock";
import type { FleetMonitor } from "@/lib/monitor/monitor";
import type { EnvironmentRuntime } from "@/lib/monitor/runtime";
import { buildFleet, type FleetFilter } from "@/lib/monitor/views";

/**
 * Serializing the whole fleet is the hot path (every board and wall polls it, every SSE push sends
 * it). The unfiltered body is built once per change of the monitor and reused; only `generatedAt`
 * is stamped per response.
 */
let cache: { monitor: FleetMonitor; version: number; countsAndEnvs: string } | null = null;

export function fleetJson(monitor: FleetMonitor, filter: FleetFilter, visible?: (rt: EnvironmentRuntime) => boolean): string {
  const now = monitor.now();
  // A viewer who may not see every environment gets a body of their own (never the shared cache).
  const runtimes = visible ? monitor.runtimes().filter(visible) : monitor.runtimes();
  const summaries = runtimes.map((rt) => rt.summary);
  if (visible || filter.tags.length > 0 || filter.statuses.length > 0) return JSON.stringify(buildFleet(summaries, filter, now));
  if (!cache || cache.monitor !== monitor || cache.version !== monitor.changeVersion) {
    const { counts, environments } = buildFleet(summaries, filter, now);
    cache = { monitor, version: monitor.changeVersion, countsAndEnvs: JSON.stringify({ counts, environments }).slice(1) };
  }
  return `{"generatedAt":${JSON.stringify(iso(now))},${cache.countsAndEnvs}`;
}
