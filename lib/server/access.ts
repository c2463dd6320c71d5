import "server-only";
import { parseCookieHeader } from "@/lib/auth/cookies";
import { decide, type Scope } from "@/lib/auth/identify";
import { canSee, seesEverything, type Viewer } from "@/lib/auth/policy";
import { currentPolicy, PolicyUnavailable, type AuthPolicy } from "@/lib/auth/policy-store";
import type { AccessRule } from "@/lib/config/types";
import type { FleetMonitor } from "@/lib/monitor/monitor";
import type { EnvironmentSnapshot } from "@/lib/monitor/snapshot";
import { apiError } from "./api";
import { getFleet } from "./fleet";

/**
 * The access gate of every `/api/v1` route handler (proxy.ts answers early too, but each handler
 * checks for itself), and per-environment visibility for the fleet, search, SSE and details.
 */

/** Who may see which environment for one request. */
export interface Access {
  viewer: Viewer;
  policy: AuthPolicy;
}

function unavailable(e: unknown): Response {
  if (e instanceof PolicyUnavailable) return apiError(503, "unavailable", "the server's configuration is not usable; see its log");
  throw e;
}

/** The request headers access reads: a Web `Request`'s, or a raw Node request's through a small adapter. */
export interface HeaderSource {
  get(name: string): string | null;
}

/**
 * Authenticates an API request: the caller's access, or the 401/403 response to send. Takes only
 * the headers, so Next route handlers and the raw hot paths (server/hot-paths.ts) share one gate.
 */
export async function apiAccess(req: { headers: HeaderSource }, scope: Scope = "api"): Promise<Access | Response> {
  let policy: AuthPolicy;
  try {
    policy = currentPolicy();
  } catch (e) {
    return unavailable(e);
  }
  const decision = await decide(policy, { cookies: parseCookieHeader(req.headers.get("cookie")), authorization: req.headers.get("authorization") }, scope);
  if (!decision.ok) return apiError(decision.status, decision.code, decision.message);
  return { viewer: decision.viewer, policy };
}

/** Whether the viewer may see this environment. */
export function maySee(access: Access, env: EnvironmentSnapshot): boolean {
  if (seesEverything(access.viewer)) return true;
  const { id, tags, discovered, access: rule } = env.config;
  const fromFile = access.policy.environmentAccess;
  // Environments listed in the file follow the file as it is now; discovered ones carry their block's rule.
  if (fromFile.has(id) || !discovered || rule) {
    return canSee(access.viewer, { id, tags, access: fromFile.has(id) ? fromFile.get(id) : rule });
  }
  // A discovered environment that arrived without its block's rule: fail closed, and require
  // every rule its kind's blocks declare (never more visible than the strictest block says).
  const rules = access.policy.discoveryAccess[discovered].filter((r): r is AccessRule => r !== undefined);
  if (rules.length === 0) return canSee(access.viewer, { id, tags });
  return rules.every((rule) => canSee(access.viewer, { id, tags, access: rule }));
}

/**
 * The visibility filter for fleet-wide reads, or undefined when the viewer sees every environment
 * the monitor has (then the shared, pre-serialized snapshot is served as it is).
 */
export function visibilityFilter(access: Access, environments: readonly EnvironmentSnapshot[]): ((env: EnvironmentSnapshot) => boolean) | undefined {
  if (seesEverything(access.viewer)) return undefined;
  if (environments.every((env) => maySee(access, env))) return undefined;
  return (env) => maySee(access, env);
}

/** The environment when it exists and the viewer may see it; hidden ones look exactly like missing ones. */
export function visibleTo(access: Access, env: EnvironmentSnapshot | undefined): EnvironmentSnapshot | undefined {
  return env && maySee(access, env) ? env : undefined;
}

/** What a per-environment route works with once the caller may see the environment. */
export interface VisibleEnvironment<T> {
  access: Access;
  env: EnvironmentSnapshot;
  monitor: FleetMonitor;
  /** What `parse` returned. */
  input: T;
}

/**
 * The gate of every `/environments/{id}/…` read: the caller's access (401/403), then `parse` (its
 * BadRequest is a 400 whether or not the environment exists), then the environment's snapshot, or
 * the 404 a missing or hidden environment gets alike.
 */
export async function visibleEnvironment<T = undefined>(req: Request, id: string, parse?: () => T): Promise<VisibleEnvironment<T> | Response> {
  const access = await apiAccess(req);
  if (access instanceof Response) return access;
  const input = parse?.() as T;
  const { monitor } = await getFleet();
  const env = visibleTo(access, monitor.environment(id));
  if (!env) return apiError(404, "not_found", `no environment with id "${id.slice(0, 80)}"`);
  return { access, env, monitor, input };
}
