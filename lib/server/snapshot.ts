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

/**
 * Viewers who may see only part of the fleet share a body per visible set (people in the same
 * groups, walls with the same token), so restricted viewers stay cheap too. Bounded; oldest out.
 */
const partial = new Map<string, { monitor: FleetMonitor; version: number; countsAndEnvs: string }>();
const MAX_PARTIAL = 64;

export function fleetJson(monitor: FleetMonitor, filter: FleetFilter, visible?: (rt: EnvironmentRuntime) => boolean): string {
  const now = monitor.now();
  // A viewer who may not see every environment never gets the shared, whole-fleet body.
  const runtimes = visible ? monitor.runtimes().filter(visible) : monitor.runtimes();
  const summaries = runtimes.map((rt) => rt.summary);
  if (filter.tags.length > 0 || filter.statuses.length > 0) return JSON.stringify(buildFleet(summaries, filter, now));
  let entry = cache;
  if (visible) {
    const key = runtimes.map((rt) => rt.config.id).join("\n");
    entry = partial.get(key) ?? null;
    if (!entry || entry.monitor !== monitor || entry.version !== monitor.changeVersion) {
      const { counts, environments } = buildFleet(summaries, filter, now);
      entry = { monitor, version: monitor.changeVersion, countsAndEnvs: JSON.stringify({ counts, environments }).slice(1) };
      partial.delete(key);
      partial.set(key, entry);
      if (partial.size > MAX_PARTIAL) partial.delete(partial.keys().next().value!);
    }
  } else if (!entry || entry.monitor !== monitor || entry.version !== monitor.changeVersion) {
    const { counts, environments } = buildFleet(summaries, filter, now);
    cache = entry = { monitor, version: monitor.changeVersion, countsAndEnvs: JSON.stringify({ counts, environments }).slice(1) };
  }
  return `{"generatedAt":${JSON.stringify(iso(now))},${entry.countsAndEnvs}`;
}
