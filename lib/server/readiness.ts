import type { FleetMonitor } from "@/lib/monitor/monitor";
import { shuttingDown } from "./shutdown";

/**
 * `GET /api/readyz` (contract §10): ready once the configuration is loaded, every readiness check
 * (storage registers one) answers, and the first poll cycle has finished — every environment was
 * checked at least once, or a check says its data is already there (storage holding a summary for
 * every environment). Not ready while shutting down, so a load balancer stops sending new clients.
 * Checks live in `globalThis` for the same reason as the shutdown registry: Next bundles its own copy.
 */

export type Role = "leader" | "follower" | "single";

export interface ReadinessCheck {
  /** Throws (or rejects) with a short, secret-free reason when not ready. */
  check: () => unknown;
  /** When it returns true, the first poll cycle need not have finished (storage already had every summary). */
  warm?: () => boolean;
}

interface Registry {
  checks: Map<string, ReadinessCheck>;
  role: () => Role;
}

const slot = globalThis as typeof globalThis & { __flightboardReadiness?: Registry };
function registry(): Registry {
  return (slot.__flightboardReadiness ??= { checks: new Map(), role: () => "single" });
}

/** Adds (or replaces) a named check, e.g. `storage`. */
export function addReadinessCheck(name: string, check: ReadinessCheck["check"], warm?: ReadinessCheck["warm"]): void {
  registry().checks.set(name, { check, warm });
}

/** Who reports the role (several replicas, contract §11); `single` until something says otherwise. */
export function setRoleSource(role: () => Role): void {
  registry().role = role;
}

export type Readiness = { ready: true; role: Role } | { ready: false; why: string };

const CHECK_TIMEOUT_MS = 2_000;

export async function readiness(monitor: FleetMonitor | null): Promise<Readiness> {
  if (shuttingDown()) return { ready: false, why: "shutting down" };
  if (!monitor) return { ready: false, why: "configuration not loaded yet" };
  const r = registry();
  for (const [name, { check }] of r.checks) {
    try {
      await Promise.race([
        Promise.resolve().then(check),
        new Promise((_, reject) => setTimeout(() => reject(new Error("no answer in 2 s")), CHECK_TIMEOUT_MS).unref()),
      ]);
    } catch (e) {
      return { ready: false, why: `${name}: ${e instanceof Error ? e.message : "not ready"}`.slice(0, 200) };
    }
  }
  const environments = monitor.environments();
  const pending = environments.filter((env) => env.checkedAt === null).length;
  const warm = [...r.checks.values()].some((c) => c.warm?.() === true);
  if (pending > 0 && !warm) return { ready: false, why: `first poll cycle not finished (${pending} of ${environments.length} environment(s) not checked yet)` };
  return { ready: true, role: r.role() };
}
