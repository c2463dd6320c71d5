import "server-only";
import { iso } from "@/lib/monitor/clock";
import type { FleetMonitor } from "@/lib/monitor/monitor";
import type { EnvironmentSnapshot } from "@/lib/monitor/snapshot";
import type { FleetFilter } from "@/lib/fleet-filter";
import { buildFleet } from "@/lib/monitor/views";
import { historyHealth } from "./history";

/**
 * Serializing the whole fleet is the hot path (every board and wall polls it, every SSE push sends
 * it). The unfiltered body is built once per change of the monitor and reused; only `generatedAt`
 * is stamped per response.
 */
interface Entry {
  monitor: FleetMonitor;
  version: number;
  countsAndEnvs: string;
  /** The same as UTF-8, made on first use: the raw hot path writes it without encoding it again. */
  bytes?: Buffer;
}
let cache: Entry | null = null;

/**
 * Viewers who may see only part of the fleet share a body per visible set (people in the same
 * groups, walls with the same token), so restricted viewers stay cheap too. Bounded; oldest out.
 */
const partial = new Map<string, Entry>();
const MAX_PARTIAL = 64;

export function fleetJson(monitor: FleetMonitor, filter: FleetFilter, visible?: (env: EnvironmentSnapshot) => boolean): string {
  const body = fleetBody(monitor, filter, visible);
  return typeof body === "string" ? body : `${body[0]}${body[1].countsAndEnvs}`;
}

/**
 * The /fleet body as bytes, for the raw hot path: a per-response head (`generatedAt`) and the shared,
 * already-encoded rest. Filtered answers are built per request.
 */
export function fleetBytes(monitor: FleetMonitor, filter: FleetFilter, visible?: (env: EnvironmentSnapshot) => boolean): Buffer[] {
  const body = fleetBody(monitor, filter, visible);
  if (typeof body === "string") return [Buffer.from(body)];
  const entry = body[1];
  entry.bytes ??= Buffer.from(entry.countsAndEnvs);
  return [Buffer.from(body[0]), entry.bytes];
}

function fleetBody(monitor: FleetMonitor, filter: FleetFilter, visible?: (env: EnvironmentSnapshot) => boolean): string | [string, Entry] {
  const now = monitor.now();
  // A viewer who may not see every environment never gets the shared, whole-fleet body.
  const environments = visible ? monitor.environments().filter(visible) : monitor.environments();
  // Made only when a body is built: a cached answer touches no summary.
  const summaries = () => environments.map((env) => env.summary);
  // Extension: whether history is recorded (the board says when it is degraded). From memory.
  const history = JSON.stringify(historyHealth());
  if (filter.tags.length > 0 || filter.statuses.length > 0) {
    const { generatedAt, counts, environments } = buildFleet(summaries(), filter, now);
    return JSON.stringify({ generatedAt, history: JSON.parse(history), counts, environments });
  }
  let entry = cache;
  if (visible) {
    const key = environments.map((env) => env.id).join("\n");
    entry = partial.get(key) ?? null;
    if (!entry || entry.monitor !== monitor || entry.version !== monitor.changeVersion) {
      const { counts, environments } = buildFleet(summaries(), filter, now);
      entry = { monitor, version: monitor.changeVersion, countsAndEnvs: JSON.stringify({ counts, environments }).slice(1) };
      partial.delete(key);
      partial.set(key, entry);
      if (partial.size > MAX_PARTIAL) partial.delete(partial.keys().next().value!);
    }
  } else if (!entry || entry.monitor !== monitor || entry.version !== monitor.changeVersion) {
    const { counts, environments } = buildFleet(summaries(), filter, now);
    cache = entry = { monitor, version: monitor.changeVersion, countsAndEnvs: JSON.stringify({ counts, environments }).slice(1) };
  }
  return [`{"generatedAt":${JSON.stringify(iso(now))},"history":${history},`, entry];
}
