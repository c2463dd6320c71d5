import "server-only";
import { iso } from "@/lib/monitor/clock";
import type { FleetMonitor } from "@/lib/monitor/monitor";
import { buildFleet, type FleetFilter } from "@/lib/monitor/views";

/**
 * Serializing the whole fleet is the hot path (every board and wall polls it, every SSE push sends
 * it). The unfiltered body is built once per change of the monitor and reused; only `generatedAt`
 * is stamped per response.
 */
let cache: { monitor: FleetMonitor; version: number; countsAndEnvs: string } | null = null;

export function fleetJson(monitor: FleetMonitor, filter: FleetFilter): string {
  const now = monitor.now();
  const summaries = monitor.runtimes().map((rt) => rt.summary);
  if (filter.tags.length > 0 || filter.statuses.length > 0) return JSON.stringify(buildFleet(summaries, filter, now));
  if (!cache || cache.monitor !== monitor || cache.version !== monitor.changeVersion) {
    const { counts, environments } = buildFleet(summaries, filter, now);
    cache = { monitor, version: monitor.changeVersion, countsAndEnvs: JSON.stringify({ counts, environments }).slice(1) };
  }
  return `{"generatedAt":${JSON.stringify(iso(now))},${cache.countsAndEnvs}`;
}
