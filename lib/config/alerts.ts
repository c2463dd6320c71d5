import picomatch from "picomatch";
import { z } from "zod";
import { PROBLEM_STATUSES } from "../vocabulary";
import { envVarName, FirstSeen, httpUrl, nonEmpty } from "./fields";
import type { SecretRef } from "./types";

/**
 * The `alerts:` section (contract §8): channels, rules, expectations and maintenance windows. Kept
 * apart from schema.ts like `auth:`. Secrets are named by environment variable; an unset one does
 * not stop the server: its channel is disabled and says why (listed at start, shown on /alerts).
 */

type Env = Record<string, string | undefined>;

const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
export const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const name = z.string().regex(NAME, "must match ^[a-z0-9][a-z0-9_-]{0,62}$");
const email = z.string().trim().regex(/^[^@\s]+@[^@\s]+$/, "must be an email address");
const localTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be a local time HH:MM");
const timezone = z.string().refine(isTimeZone, "must be an IANA time zone such as Europe/Berlin");
const days = z.array(z.enum(WEEKDAYS, { error: () => `must be one of ${WEEKDAYS.join(", ")}` })).min(1, "must list at least one day");
const glob = z.string().min(1, "must not be empty").refine(isGlob, "must be a valid glob");
const channelRefs = z.array(nonEmpty).min(1, "must name at least one channel");

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return tz.length > 0;
  } catch {
    return false;
  }
}

function isGlob(g: string): boolean {
  try {
    picomatch.makeRe(g, { strictBrackets: true });
    return true;
  } catch {
    return false;
  }
}

const selector = z.union([
  z.strictObject({ tags: z.record(z.string(), z.string()) }),
  z.strictObject({ ids: z.array(nonEmpty).min(1, "must list at least one id") }),
]);

const channel = z.discriminatedUnion(
  "type",
  [
    z.strictObject({ name, type: z.literal("slack"), urlEnv: envVarName }),
    z.strictObject({ name, type: z.literal("webhook"), urlEnv: envVarName, secretEnv: envVarName }),
    z.strictObject({
      name,
      type: z.literal("pagerduty"),
      routingKeyEnv: envVarName,
      endpoint: httpUrl.default("https://events.pagerduty.com/v2/enqueue"),
    }),
    z.strictObject({
      name,
      type: z.literal("email"),
      smtp: z.strictObject({
        host: nonEmpty,
        port: z.number().int().min(1).max(65535).default(587),
        secure: z.boolean().optional(),
        username: nonEmpty.optional(),
        passwordEnv: envVarName.optional(),
      }),
      from: email,
      to: z.array(email).min(1, "must list at least one address"),
    }),
  ],
  { error: (iss) => (iss.code === "invalid_union" ? "must have type slack, webhook, pagerduty or email" : undefined) },
);

const when = z.union(
  [
    z.strictObject({ status: z.array(z.enum(PROBLEM_STATUSES)).min(1, "must list at least one status") }),
    z.strictObject({ failingDags: z.literal(true) }),
    z.strictObject({ importErrors: z.literal(true) }),
    z.strictObject({ stale: z.literal(true) }),
  ],
  { error: () => "must be one of { status: [..] }, { failingDags: true }, { importErrors: true }, { stale: true }" },
);

const rule = z.strictObject({
  name,
  when,
  for: z.number().min(0, "must be at least 0").max(86_400, "must be at most 86400 seconds").default(0),
  environments: selector.optional(),
  dags: z.strictObject({ include: z.array(glob).default(["*"]), exclude: z.array(glob).default([]) }).optional(),
  channels: channelRefs,
  repeatMinutes: z.number().min(0, "must be at least 0").default(0),
});

const expectation = z.strictObject({
  name: name.optional(),
  environment: nonEmpty.refine(isGlob, "must be an id or a valid glob"),
  dag: nonEmpty.refine(isGlob, "must be a DAG id or a valid glob"),
  finishBy: localTime.optional(),
  timezone: timezone.default("UTC"),
  days: days.default([...WEEKDAYS]),
  maxDurationMinutes: z.number().positive("must be positive").optional(),
  freshnessHours: z.number().positive("must be positive").optional(),
  scheduleMissedMinutes: z.number().positive("must be positive").optional(),
  channels: channelRefs,
});

const maintenance = z.strictObject({
  name,
  environments: selector.optional(),
  days: days.default([...WEEKDAYS]),
  at: localTime,
  timezone: timezone.default("UTC"),
  durationMinutes: z.number().positive("must be positive").max(7 * 24 * 60, "must be at most a week"),
});

export const alertsSchema = z.strictObject({
  /** Flightboard's public origin for links in messages; default: auth.url, else http://localhost:PORT. */
  publicUrl: httpUrl.optional(),
  channels: z.array(channel).default([]),
  rules: z.array(rule).default([]),
  expectations: z.array(expectation).default([]),
  maintenance: z.array(maintenance).default([]),
});

export type AlertsSection = z.infer<typeof alertsSchema>;

/** `environments:` of a rule, window or silence: by tags (all must match) or by ids; undefined = all. */
export type EnvironmentSelector = { tags: Record<string, string> } | { ids: string[] };

export type ChannelConfig = { name: string; disabled: string | null } & (
  | { type: "slack"; url: SecretRef }
  | { type: "webhook"; url: SecretRef; secret: SecretRef }
  | { type: "pagerduty"; routingKey: SecretRef; endpoint: string }
  | {
      type: "email";
      smtp: { host: string; port: number; secure: boolean; username?: string; password?: SecretRef };
      from: string;
      to: string[];
    }
);

export type RuleCondition = AlertsSection["rules"][number]["when"];

export interface RuleConfig {
  name: string;
  when: RuleCondition;
  forSeconds: number;
  environments?: EnvironmentSelector;
  dags?: { include: string[]; exclude: string[] };
  channels: string[];
  repeatMinutes: number;
}

export type ExpectationKind = "finishBy" | "maxDuration" | "freshness" | "scheduleMissed";

/** One check of an expectation entry; an entry with several limits becomes several checks. */
export interface ExpectationConfig {
  /** The rule name alerts carry: the entry's `name`, else `expect-{environment}-{dag}`, plus the kind. */
  name: string;
  kind: ExpectationKind;
  environment: string;
  dag: string;
  finishBy?: string;
  timezone: string;
  days: Weekday[];
  limitMinutes?: number;
  channels: string[];
}

export interface MaintenanceConfig {
  name: string;
  environments?: EnvironmentSelector;
  days: Weekday[];
  at: string;
  timezone: string;
  durationMinutes: number;
}

export interface AlertsConfig {
  /** Flightboard's public origin for links in messages. */
  publicUrl: string;
  /** Channels disabled by an unset secret, by path (printed at start; they do not stop the server). */
  warnings: string[];
  channels: ChannelConfig[];
  rules: RuleConfig[];
  expectations: ExpectationConfig[];
  maintenance: MaintenanceConfig[];
}

export const EMPTY_ALERTS: AlertsConfig = { publicUrl: "http://localhost:3000", warnings: [], channels: [], rules: [], expectations: [], maintenance: [] };

function secret(envName: string, env: Env): SecretRef {
  const value = env[envName];
  return { env: envName, value: value === undefined || value === "" ? undefined : value };
}

/**
 * Checks that need the whole section (unknown or duplicate names, an expectation without a limit).
 * Problems stop the server, like every other configuration error.
 */
export function alertsCrossChecks(section: AlertsSection): string[] {
  const problems: string[] = [];
  const channels = new FirstSeen("alerts.channels", "name", problems);
  section.channels.forEach((c, i) => channels.note(c.name, i));
  const refs = (where: string, list: string[]) =>
    list.forEach((n, j) => {
      if (!channels.has(n)) problems.push(`${where}.channels[${j}]: unknown channel "${n}"`);
    });
  const rules = new FirstSeen("alerts.rules", "name", problems);
  section.rules.forEach((r, i) => {
    rules.note(r.name, i);
    refs(`alerts.rules[${i}]`, r.channels);
    if (r.dags && !("failingDags" in r.when)) problems.push(`alerts.rules[${i}].dags: only for failingDags rules`);
  });
  section.expectations.forEach((e, i) => {
    refs(`alerts.expectations[${i}]`, e.channels);
    if (e.finishBy === undefined && e.maxDurationMinutes === undefined && e.freshnessHours === undefined && e.scheduleMissedMinutes === undefined) {
      problems.push(`alerts.expectations[${i}]: needs one of finishBy, maxDurationMinutes, freshnessHours, scheduleMissedMinutes`);
    }
  });
  return problems;
}

/** Resolves the validated section; `warnings` lists channels disabled by an unset secret, by path. */
export function resolveAlerts(section: AlertsSection | undefined, env: Env, authUrl = ""): AlertsConfig {
  // Links in messages need Flightboard's public origin: the section's, else auth's, else this host.
  const publicUrl = (section?.publicUrl ?? (authUrl || `http://localhost:${env.PORT || "3000"}`)).replace(/\/+$/, "");
  if (!section) return { ...EMPTY_ALERTS, publicUrl };
  const warnings: string[] = [];
  const channels = section.channels.map((c, i): ChannelConfig => {
    const missing: string[] = [];
    const unset: string[] = [];
    const need = (field: string, envName: string) => {
      const s = secret(envName, env);
      if (s.value === undefined) {
        missing.push(`alerts.channels[${i}].${field}: ${envName} is not set; channel "${c.name}" is disabled`);
        unset.push(`${envName} is not set`);
      }
      return s;
    };
    let out: ChannelConfig;
    switch (c.type) {
      case "slack":
        out = { name: c.name, type: "slack", url: need("urlEnv", c.urlEnv), disabled: null };
        break;
      case "webhook":
        out = { name: c.name, type: "webhook", url: need("urlEnv", c.urlEnv), secret: need("secretEnv", c.secretEnv), disabled: null };
        break;
      case "pagerduty":
        out = { name: c.name, type: "pagerduty", routingKey: need("routingKeyEnv", c.routingKeyEnv), endpoint: c.endpoint, disabled: null };
        break;
      case "email": {
        const password = c.smtp.passwordEnv ? need("smtp.passwordEnv", c.smtp.passwordEnv) : undefined;
        out = {
          name: c.name,
          type: "email",
          smtp: { host: c.smtp.host, port: c.smtp.port, secure: c.smtp.secure ?? c.smtp.port === 465, username: c.smtp.username, password },
          from: c.from,
          to: c.to,
          disabled: null,
        };
        break;
      }
    }
    if (missing.length > 0) {
      warnings.push(...missing);
      out.disabled = unset.join("; ");
    }
    return out;
  });
  const expectations: ExpectationConfig[] = section.expectations.flatMap((e) => {
    const base = e.name ?? `expect-${e.environment}-${e.dag}`.replace(/[^a-zA-Z0-9_-]+/g, "_");
    const common = { environment: e.environment, dag: e.dag, timezone: e.timezone, days: e.days, channels: e.channels };
    const out: ExpectationConfig[] = [];
    if (e.finishBy !== undefined) out.push({ ...common, name: `${base}:finishBy`, kind: "finishBy", finishBy: e.finishBy });
    if (e.maxDurationMinutes !== undefined) out.push({ ...common, name: `${base}:maxDuration`, kind: "maxDuration", limitMinutes: e.maxDurationMinutes });
    if (e.freshnessHours !== undefined) out.push({ ...common, name: `${base}:freshness`, kind: "freshness", limitMinutes: e.freshnessHours * 60 });
    if (e.scheduleMissedMinutes !== undefined) out.push({ ...common, name: `${base}:scheduleMissed`, kind: "scheduleMissed", limitMinutes: e.scheduleMissedMinutes });
    return out;
  });
  return {
      publicUrl,
      warnings,
      channels,
      rules: section.rules.map((r) => ({
        name: r.name,
        when: r.when,
        forSeconds: r.for,
        environments: r.environments,
        dags: r.dags,
        channels: r.channels,
        repeatMinutes: r.repeatMinutes,
      })),
      expectations,
      maintenance: section.maintenance.map((m) => ({ ...m })),
  };
}
