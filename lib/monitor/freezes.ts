/**
 * Which environments are frozen (all their DAGs paused by a freeze, contract §12 extension), in
 * memory for summaries. The history database holds the records (lib/store/action-store); this
 * registry is filled from it at start and changed by freeze/thaw, so summaries never wait on it.
 */

export interface FrozenInfo {
  /** ISO UTC. */
  since: string;
  by: string;
  /** How many DAGs the freeze paused (and a thaw will resume). */
  dags: number;
}

const slot = globalThis as typeof globalThis & { __flightboardFrozen?: Map<string, FrozenInfo> };

function registry(): Map<string, FrozenInfo> {
  slot.__flightboardFrozen ??= new Map();
  return slot.__flightboardFrozen;
}

export function frozenOf(environmentId: string): FrozenInfo | null {
  return registry().get(environmentId) ?? null;
}

export function setFrozen(environmentId: string, info: FrozenInfo | null): void {
  if (info) registry().set(environmentId, info);
  else registry().delete(environmentId);
}
