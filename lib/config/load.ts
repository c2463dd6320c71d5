import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseDocument } from "yaml";
import type { z } from "zod";
import { alertsCrossChecks, alertsSchema, resolveAlerts } from "./alerts";
import { authSchema, resolveAccess, resolveAuth as resolveAuthSection } from "./auth";
import { FirstSeen } from "./fields";
import { resolveStorage } from "./storage";
import { configFileSchema, type ConfigFile, type EnvironmentEntry } from "./schema";
import { closestKey, keysAt } from "./suggest";
import type { AirflowAuthConfig, AuthConfig, EnvironmentConfig, FlightboardConfig, SecretRef, TargetConfig } from "./types";
import { ENVIRONMENT_KINDS } from "../vocabulary";

/** Thrown when a configuration does not validate; `problems` holds one line per problem, by path. */
export class ConfigError extends Error {
  constructor(readonly source: string, readonly problems: string[]) {
    super(`invalid configuration ${source}:\n${problems.map((p) => `  ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

type Env = Record<string, string | undefined>;

/** Options of parseConfigText / validateConfig. */
export interface ValidateOptions {
  /**
   * Authentication when the configuration has no `auth:` section. Configuration files
   * (`loadConfigFile`, what the server starts from) use "enabled"; the default "disabled" is for
   * demo mode and hand-built test configurations.
   */
  authDefault?: "enabled" | "disabled";
  /** Refuse a configuration that would monitor nothing (files do; demo and hand-built test configs need not). */
  requireTargets?: boolean;
}

/** Where the configuration comes from: `FLIGHTBOARD_CONFIG`, else `./flightboard.yaml`, else demo mode (null). */
export function resolveConfigPath(env: Env = process.env, cwd = process.cwd()): string | null {
  const explicit = env.FLIGHTBOARD_CONFIG?.trim();
  if (explicit) return path.resolve(cwd, explicit);
  const local = path.join(cwd, "flightboard.yaml");
  return existsSync(local) ? local : null;
}

/** Reads, parses and validates a configuration file. Throws `ConfigError` listing every problem. */
export function loadConfigFile(file: string, env: Env = process.env): FlightboardConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new ConfigError(file, [`(file): cannot be read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`]);
  }
  return parseConfigText(text, file, env, { authDefault: "enabled", requireTargets: true });
}

export function parseConfigText(text: string, source: string, env: Env = process.env, opts: ValidateOptions = {}): FlightboardConfig {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(source, doc.errors.map((e) => yamlProblem(text, e.pos[0], e.message)));
  }
  const raw: unknown = doc.toJS() ?? {};
  return validateConfig(raw, source, env, opts);
}

/**
 * `(file) line 3, column 15: <message>` and the offending line with a caret under the column, so a
 * syntax error can be fixed without counting lines.
 */
export function yamlProblem(text: string, offset: number, message: string): string {
  const before = text.slice(0, Math.min(Math.max(0, offset), text.length));
  const line = before.split("\n").length;
  const col = before.length - before.lastIndexOf("\n");
  const src = (text.split("\n")[line - 1] ?? "").replace(/\r$/, "");
  const gutter = `    ${line} | `;
  return `(file) line ${line}, column ${col}: ${message.split("\n")[0]}\n${gutter}${src}\n${" ".repeat(gutter.length + col - 1)}^`;
}

/** Validates an already-parsed configuration object (the simulator hands one over in demo mode). */
export function validateConfig(raw: unknown, source: string, env: Env = process.env, opts: ValidateOptions = {}): FlightboardConfig {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new ConfigError(source, ["(root): must be a mapping with an environments list"]);
  }
  const parsed = configFileSchema.safeParse(raw);
  const problems: string[] = [];
  if (!parsed.success) problems.push(...parsed.error.issues.map(formatIssue));
  const rawEnvs = Array.isArray((raw as { environments?: unknown }).environments)
    ? ((raw as { environments: unknown[] }).environments)
    : [];
  problems.push(...crossChecks(rawEnvs));
  if (opts.requireTargets && parsed.success && parsed.data.environments.length === 0) {
    const d = parsed.data.discovery;
    if (d.mwaa.length === 0 && d.composer.length === 0) {
      problems.push("environments: no environments and no discovery configured; there would be nothing to monitor (list at least one environment, or a discovery entry)");
    }
  }
  // Like auth: the alerts section's own cross-checks run even when another part failed.
  const rawAlerts = (raw as { alerts?: unknown }).alerts;
  const alertsSection = rawAlerts === undefined ? undefined : alertsSchema.safeParse(rawAlerts);
  if (alertsSection?.success) problems.push(...alertsCrossChecks(alertsSection.data));
  // The auth section's own checks (unset secrets, no provider) run even when other parts failed,
  // so one start lists every problem.
  const rawAuth = (raw as { auth?: unknown }).auth;
  const authSection = parsed.success ? { success: true as const, data: parsed.data.auth } : rawAuth === undefined ? { success: true as const, data: undefined } : authSchema.safeParse(rawAuth);
  let auth: AuthConfig | undefined;
  if (authSection.success) {
    const resolved = resolveAuthSection(authSection.data, opts.authDefault ?? "disabled", env);
    auth = resolved.auth;
    problems.push(...resolved.problems);
  }
  if (problems.length > 0 || !parsed.success || !auth) throw new ConfigError(source, dedupe(problems));
  return resolve(parsed.data, source, env, auth);
}

function formatIssue(issue: z.core.$ZodIssue): string {
  const where = formatPath(issue.path);
  let message = issue.message;
  if (issue.code === "invalid_type" && /received undefined/.test(issue.message)) message = "required";
  else if (issue.code === "invalid_type") message = `must be ${issue.expected}`;
  else if (issue.code === "invalid_value") message = `must be one of ${issue.values.map(String).join(", ")}`;
  else if (issue.code === "unrecognized_keys") {
    const known = keysAt(configFileSchema, issue.path);
    return issue.keys
      .map((k) => {
        const near = closestKey(k, known);
        return `${formatPath([...issue.path, k])}: unknown key${near ? `; did you mean "${near}"?` : ""}`;
      })
      .join("\n");
  }
  return `${where || "(root)"}: ${message}`;
}

export function formatPath(p: readonly PropertyKey[]): string {
  let out = "";
  for (const seg of p) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}

function crossChecks(envs: unknown[]): string[] {
  const problems: string[] = [];
  const seen = new FirstSeen("environments", "id", problems);
  envs.forEach((e, i) => {
    if (e === null || typeof e !== "object") return;
    const entry = e as Record<string, unknown>;
    const kinds = ENVIRONMENT_KINDS.filter((k) => entry[k] !== undefined);
    if (kinds.length === 0) problems.push(`environments[${i}]: needs exactly one of ${ENVIRONMENT_KINDS.join(", ")}`);
    if (kinds.length > 1) problems.push(`environments[${i}]: has ${kinds.join(" and ")}; needs exactly one of ${ENVIRONMENT_KINDS.join(", ")}`);
    if (typeof entry.id === "string") seen.note(entry.id, i);
  });
  return problems;
}

/** One line per problem; problems of one environment stay together, in list order. */
function dedupe(lines: string[]): string[] {
  const unique = [...new Set(lines.flatMap((l) => l.split("\n")))];
  const envIndex = (line: string) => Number(/^environments\[(\d+)\]/.exec(line)?.[1] ?? -1);
  return unique.map((line, i) => ({ line, i, k: envIndex(line) })).sort((a, b) => a.k - b.k || a.i - b.i).map((x) => x.line);
}

function secret(envName: string, env: Env): SecretRef {
  const value = env[envName];
  return { env: envName, value: value === undefined || value === "" ? undefined : value };
}

function resolveAuth(auth: NonNullable<EnvironmentEntry["airflow"]>["auth"], env: Env): AirflowAuthConfig {
  switch (auth.type) {
    case "none":
      return { type: "none" };
    case "basic":
      return { type: "basic", username: auth.username, password: secret(auth.passwordEnv, env) };
    case "bearer":
      return { type: "bearer", token: secret(auth.tokenEnv, env) };
    case "jwt":
      return { type: "jwt", username: auth.username, password: secret(auth.passwordEnv, env) };
  }
}

/** The MWAA control-plane endpoint override: config, else `AWS_ENDPOINT_URL_MWAA`, else `AWS_ENDPOINT_URL`. */
function mwaaEndpoint(explicit: string | undefined, env: Env): string | undefined {
  return explicit ?? (env.AWS_ENDPOINT_URL_MWAA || undefined) ?? (env.AWS_ENDPOINT_URL || undefined);
}

function resolveTarget(e: EnvironmentEntry, env: Env): TargetConfig {
  if (e.airflow) {
    return { kind: "airflow", baseUrl: e.airflow.baseUrl.replace(/\/+$/, ""), apiVersion: e.airflow.apiVersion, auth: resolveAuth(e.airflow.auth, env) };
  }
  if (e.mwaa) {
    return { kind: "mwaa", ...e.mwaa, endpoint: mwaaEndpoint(e.mwaa.endpoint, env) };
  }
  const c = e.composer!;
  return { kind: "composer", ...c, apiEndpoint: c.apiEndpoint.replace(/\/+$/, "") };
}

function resolve(file: ConfigFile, source: string, env: Env, auth: AuthConfig): FlightboardConfig {
  const environments: EnvironmentConfig[] = file.environments.map((e) => ({
    id: e.id,
    name: e.name ?? e.id,
    tags: e.tags,
    uiUrl: e.uiUrl?.replace(/\/+$/, ""),
    target: resolveTarget(e, env),
    access: resolveAccess(e.access),
  }));
  return {
    refresh: file.refresh,
    timeoutSeconds: file.timeoutSeconds,
    environments,
    discovery: {
      mwaa: file.discovery.mwaa.map((d) => ({ ...d, endpoint: mwaaEndpoint(d.endpoint, env), environmentAccess: resolveAccess(d.environmentAccess) })),
      composer: file.discovery.composer.map((d) => ({ ...d, apiEndpoint: d.apiEndpoint.replace(/\/+$/, ""), environmentAccess: resolveAccess(d.environmentAccess) })),
    },
    source,
    auth,
    alerts: resolveAlerts(file.alerts, env, auth.url),
    storage: resolveStorage(file.storage, env),
    retention: file.retention,
    metrics: file.metrics ? { token: secret(file.metrics.tokenEnv, env) } : undefined,
    actions: { enabled: file.actions.enabled },
  };
}
