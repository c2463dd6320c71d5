import type { FleetChanges, FleetResponse } from "@/lib/monitor/dto";

/**
 * The fleet after a `fleet-changes` event, from the fleet the same stream described before it; null
 * when the two do not fit together (an id in the order that neither knows), and the stream must
 * start over with a whole `fleet` event. Unchanged environments keep their objects, so their tiles
 * do not re-render.
 */
export function applyFleetChanges(prev: FleetResponse, changes: FleetChanges): FleetResponse | null {
  const byId = new Map(prev.environments.map((e) => [e.id, e]));
  for (const e of changes.changed) byId.set(e.id, e);
  const order = changes.order ?? prev.environments.map((e) => e.id);
  const environments = [];
  for (const id of order) {
    const env = byId.get(id);
    if (!env) return null;
    environments.push(env);
  }
  // Every changed environment must be one the order shows.
  if (changes.changed.some((e) => !order.includes(e.id))) return null;
  const history = changes.history ?? prev.history;
  return { generatedAt: changes.generatedAt, ...(history ? { history } : {}), counts: changes.counts, environments };
}
