import { readFileSync, statSync } from "node:fs";
import { disabledAuth } from "@/lib/config/auth";
import { ConfigError, loadConfigFile, resolveConfigPath } from "@/lib/config/load";
import type { AccessRule, AuthConfig, FlightboardConfig } from "@/lib/config/types";

/**
 * The access policy in force: the `auth:` section plus every environment's `access`, read from the
 * configuration file. Every request stats the file (microseconds) and re-reads it when it changed,
 * so removing a display token, a person or a group takes effect on the very next request, in
 * every module instance (proxy, route handlers, pages), without a restart. A file that no longer
 * validates, or that flips `auth.mode`, is not applied (a restart is needed for that, so turning
 * auth off always goes through the loud start-up warning).
 */

export interface AuthPolicy {
  auth: AuthConfig;
  /** `access` of each environment listed in the file, by id (undefined: everyone signed in). */
  environmentAccess: ReadonlyMap<string, AccessRule | undefined>;
  /** `environmentAccess` of the discovery blocks, by kind (undefined entries: no restriction). */
  discoveryAccess: { mwaa: readonly (AccessRule | undefined)[]; composer: readonly (AccessRule | undefined)[] };
  /** The configuration file, or null in demo mode. */
  source: string | null;
  /** Every configured secret value (for redaction); never logged or sent anywhere. */
  secretValues: readonly string[];
  /** `metrics.tokenEnv`'s value: scrapers' bearer token for `GET /metrics` (unset: display tokens only). */
  metricsToken?: string;
}

interface State {
  policy: AuthPolicy;
  file: string | null;
  text: string;
  /** inode, size and modification time (ns) of the file when last read. */
  stamp: string;
  /** The text of a rejected reload, so its complaint is logged once. */
  rejected: string | null;
}

let state: State | null = null;

/** Thrown when the configuration cannot be read or does not validate on first use (fail closed). */
export class PolicyUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PolicyUnavailable";
  }
}

export function policyFromConfig(config: FlightboardConfig, source: string | null): AuthPolicy {
  const auth = config.auth ?? disabledAuth(false);
  const environmentAccess = new Map(config.environments.map((e) => [e.id, e.access] as const));
  const discoveryAccess = { mwaa: config.discovery.mwaa.map((d) => d.environmentAccess), composer: config.discovery.composer.map((d) => d.environmentAccess) };
  return { auth, environmentAccess, discoveryAccess, source, secretValues: collectSecrets(config), metricsToken: config.metrics?.token.value };
}

function collectSecrets(config: FlightboardConfig): string[] {
  const out: (string | undefined)[] = [];
  const a = config.auth;
  if (a) {
    out.push(a.secret.value);
    for (const p of a.providers) out.push(p.clientSecret.value);
    for (const t of a.displayTokens) out.push(t.token.value);
    for (const t of a.apiTokens ?? []) out.push(t.token.value);
  }
  out.push(config.metrics?.token.value);
  for (const e of config.environments) {
    if (e.target.kind !== "airflow") continue;
    const auth = e.target.auth;
    if (auth.type === "basic" || auth.type === "jwt") out.push(auth.password.value);
    if (auth.type === "bearer") out.push(auth.token.value);
  }
  return out.filter((v): v is string => typeof v === "string" && v.length >= 4);
}

function stampOf(file: string): string {
  try {
    const st = statSync(file, { bigint: true });
    return `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
  } catch {
    return "missing";
  }
}

function load(file: string): { policy: AuthPolicy; text: string } {
  const text = readFileSync(file, "utf8");
  return { policy: policyFromConfig(loadConfigFile(file), file), text };
}

function initial(): State {
  const file = resolveConfigPath();
  if (!file) {
    const policy: AuthPolicy = { auth: disabledAuth(false), environmentAccess: new Map(), discoveryAccess: { mwaa: [], composer: [] }, source: null, secretValues: [] };
    return { policy, file: null, text: "", stamp: "", rejected: null };
  }
  try {
    const stamp = stampOf(file);
    const { policy, text } = load(file);
    return { policy, file, text, stamp, rejected: null };
  } catch (e) {
    const why = e instanceof ConfigError ? `${e.problems.length} problem(s)` : "it cannot be read";
    throw new PolicyUnavailable(`the configuration ${file} is not usable (${why})`);
  }
}

function maybeReload(s: State): void {
  if (!s.file) return;
  const stamp = stampOf(s.file);
  if (stamp === s.stamp) return;
  s.stamp = stamp;
  let text: string;
  try {
    text = readFileSync(s.file, "utf8");
  } catch {
    return; // a file being replaced: keep the settings in force
  }
  if (text === s.text || text === s.rejected) return;
  try {
    const { policy } = load(s.file);
    if (policy.auth.mode !== s.policy.auth.mode) {
      s.rejected = text;
      console.error(`flightboard: auth.mode changed in ${s.file}; restart Flightboard to apply it (authentication stays ${s.policy.auth.mode})`);
      return;
    }
    s.policy = policy;
    s.text = text;
    s.rejected = null;
    console.log(`flightboard: access settings reloaded from ${s.file}`);
  } catch (e) {
    s.rejected = text;
    const problems = e instanceof ConfigError ? e.problems : [];
    console.error(`flightboard: ${s.file} changed but does not validate; the previous access settings stay in force:`);
    for (const p of problems) console.error(`  ${p}`);
  }
}

/** The policy in force. Throws PolicyUnavailable when the configuration was never usable. */
export function currentPolicy(): AuthPolicy {
  if (!state) {
    state = initial();
    return state.policy;
  }
  maybeReload(state);
  return state.policy;
}
