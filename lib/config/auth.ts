import { z } from "zod";
import { envVarName, FirstSeen, nonEmpty } from "./fields";
import type { AccessRule, ApiTokenConfig, AuthConfig, AuthProviderConfig, DisplayTokenConfig, SecretRef } from "./types";

/**
 * The `auth:` section of the configuration file and the `access:` of an environment (the sign-in
 * issue). Kept apart from schema.ts so the environment schema stays readable. Secrets are named by
 * environment variable, like everywhere else in the file.
 */

type Env = Record<string, string | undefined>;

const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** Signing secret and display tokens: long enough that guessing is hopeless. */
export const MIN_SECRET_LENGTH = 32;

const email = z.string().trim().toLowerCase().regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, "must be an email address");
const domain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?!-)[a-z0-9-]+(\.[a-z0-9-]+)+$/, "must be a domain such as example.com (no @)");
const groups = z.array(nonEmpty).default([]);
const emails = z.array(email).default([]);
const tags = z.record(z.string(), z.string()).default({});

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "127.0.0.1" || host === "[::1]";
}

/** https, or http on loopback only (tests, local identity providers). */
const issuerUrl = z.string().refine((v) => {
  try {
    const u = new URL(v);
    return u.protocol === "https:" || (u.protocol === "http:" && isLoopback(u.hostname));
  } catch {
    return false;
  }
}, "must be an https URL (http only on localhost)");

/** The board's own public origin: scheme, host and port, no path. */
const publicUrl = z.string().refine((v) => {
  try {
    const u = new URL(v);
    return (u.protocol === "http:" || u.protocol === "https:") && (u.pathname === "/" || u.pathname === "") && !u.search && !u.hash;
  } catch {
    return false;
  }
}, "must be the board's origin, e.g. https://flightboard.example.com (no path)");

/** `access:` on an environment (or a discovery block): who may see it besides admins. */
export const accessSchema = z.strictObject({
  groups,
  emails,
  /** Who may act on this environment (contract §12), besides `auth.operators` and admins. */
  operators: z.strictObject({ emails, groups }).optional(),
});

const providers = z.strictObject({
  oidc: z
    .strictObject({
      issuer: issuerUrl,
      clientId: nonEmpty,
      clientSecretEnv: envVarName.default("FLIGHTBOARD_OIDC_CLIENT_SECRET"),
      name: nonEmpty.default("Single sign-on"),
      scopes: z.array(nonEmpty).default(["openid", "email", "profile"]),
      groupsClaim: nonEmpty.default("groups"),
    })
    .optional(),
  github: z.strictObject({ clientId: nonEmpty, clientSecretEnv: envVarName.default("FLIGHTBOARD_GITHUB_CLIENT_SECRET") }).optional(),
  google: z
    .strictObject({
      clientId: nonEmpty,
      clientSecretEnv: envVarName.default("FLIGHTBOARD_GOOGLE_CLIENT_SECRET"),
      hostedDomain: domain.optional(),
    })
    .optional(),
});

export const authSchema = z.strictObject({
  mode: z.enum(["enabled", "disabled"]).default("enabled"),
  url: publicUrl.optional(),
  secretEnv: envVarName.default("FLIGHTBOARD_AUTH_SECRET"),
  sessionHours: z.number().min(0.25, "must be at least 0.25").max(720, "must be at most 720").default(12),
  providers: providers.default({}),
  viewers: z
    .strictObject({ anyone: z.boolean().default(false), emails, emailDomains: z.array(domain).default([]), groups })
    .default({ anyone: false, emails: [], emailDomains: [], groups: [] }),
  admins: z.strictObject({ emails, groups }).default({ emails: [], groups: [] }),
  /** Who may act on every environment they see (contract §12); admins always may. */
  operators: z.strictObject({ emails, groups }).default({ emails: [], groups: [] }),
  displayTokens: z
    .array(
      z.strictObject({
        name: z.string().regex(NAME, "must match ^[a-z0-9][a-z0-9-]{0,62}$"),
        tokenEnv: envVarName,
        tags,
        groups,
      }),
    )
    .default([]),
  displayCookieDays: z.number().int("must be a whole number").min(1, "must be at least 1").max(400, "must be at most 400").default(365),
  /** Tokens for scripts and CI jobs (contract §12): read, and with role operator act, within their tags. */
  apiTokens: z
    .array(
      z.strictObject({
        name: z.string().regex(NAME, "must match ^[a-z0-9][a-z0-9-]{0,62}$"),
        tokenEnv: envVarName,
        role: z.enum(["viewer", "operator"]),
        tags,
      }),
    )
    .default([]),
});

export type AuthFile = z.infer<typeof authSchema>;

function secret(envName: string, env: Env): SecretRef {
  const value = env[envName];
  return { env: envName, value: value === undefined || value === "" ? undefined : value };
}

/** Auth off: nothing to sign in with, everything visible (demo mode, or `mode: disabled`). */
export function disabledAuth(explicit: boolean): AuthConfig {
  return {
    mode: "disabled",
    explicit,
    url: "",
    secret: { env: "FLIGHTBOARD_AUTH_SECRET", value: undefined },
    sessionHours: 12,
    providers: [],
    viewers: { anyone: false, emails: [], emailDomains: [], groups: [] },
    admins: { emails: [], groups: [] },
    operators: { emails: [], groups: [] },
    displayTokens: [],
    displayCookieDays: 365,
    apiTokens: [],
  };
}

/**
 * Resolves the `auth:` section. `file` is undefined when the section is absent: then auth is on
 * unless `defaultMode` says otherwise (demo mode). Returns the problems that make an enabled
 * configuration unusable, one line each, by path; values of secrets never appear in them.
 */
export function resolveAuth(file: AuthFile | undefined, defaultMode: "enabled" | "disabled", env: Env): { auth: AuthConfig; problems: string[] } {
  const explicit = file !== undefined;
  if (!file) {
    if (defaultMode === "disabled") return { auth: disabledAuth(false), problems: [] };
    file = authSchema.parse({});
  }
  if (file.mode === "disabled") return { auth: disabledAuth(true), problems: [] };
  const problems: string[] = [];

  const url = (file.url ?? env.NEXTAUTH_URL ?? "").replace(/\/+$/, "");
  if (!url) problems.push("auth.url: required: the board's public origin (e.g. https://flightboard.example.com), or set NEXTAUTH_URL");
  else if (!file.url && !publicUrl.safeParse(url).success) problems.push("auth.url: NEXTAUTH_URL must be the board's origin, e.g. https://flightboard.example.com (no path)");

  const signing = secret(file.secretEnv, env);
  problems.push(...secretProblems("auth.secretEnv", signing, "a random value of at least 32 characters (e.g. `openssl rand -base64 48`)"));

  const list: AuthProviderConfig[] = [];
  const p = file.providers;
  if (p.oidc) {
    const clientSecret = secret(p.oidc.clientSecretEnv, env);
    if (!clientSecret.value) problems.push(`auth.providers.oidc.clientSecretEnv: ${clientSecret.env} is not set`);
    list.push({ type: "oidc", id: "oidc", name: p.oidc.name, issuer: p.oidc.issuer.replace(/\/+$/, ""), clientId: p.oidc.clientId, clientSecret, scopes: p.oidc.scopes, groupsClaim: p.oidc.groupsClaim });
  }
  if (p.github) {
    const clientSecret = secret(p.github.clientSecretEnv, env);
    if (!clientSecret.value) problems.push(`auth.providers.github.clientSecretEnv: ${clientSecret.env} is not set`);
    list.push({ type: "github", id: "github", name: "GitHub", clientId: p.github.clientId, clientSecret });
  }
  if (p.google) {
    const clientSecret = secret(p.google.clientSecretEnv, env);
    if (!clientSecret.value) problems.push(`auth.providers.google.clientSecretEnv: ${clientSecret.env} is not set`);
    list.push({ type: "google", id: "google", name: "Google", clientId: p.google.clientId, clientSecret, hostedDomain: p.google.hostedDomain });
  }
  if (list.length === 0) problems.push("auth.providers: configure at least one of oidc, github, google (or set auth.mode: disabled)");

  const v = file.viewers;
  const a = file.admins;
  const anyRule = v.anyone || v.emails.length + v.emailDomains.length + v.groups.length + a.emails.length + a.groups.length > 0;
  if (!anyRule) problems.push("auth.viewers: say who may sign in: emailDomains, emails, groups, or anyone: true");
  if (v.anyone && p.github) problems.push("auth.viewers.anyone: not with the github provider (anyone with a GitHub account could sign in); list emails or emailDomains");
  if (v.anyone && p.google && !p.google.hostedDomain) {
    problems.push("auth.viewers.anyone: not with google unless providers.google.hostedDomain is set (anyone with a Google account could sign in)");
  }

  const tokens: DisplayTokenConfig[] = [];
  const seen = new FirstSeen("auth.displayTokens", "name", problems);
  file.displayTokens.forEach((t, i) => {
    seen.note(t.name, i);
    const token = secret(t.tokenEnv, env);
    // An unset variable disables the token (that is how a token is revoked); a short one is a mistake.
    if (token.value !== undefined && token.value.length < MIN_SECRET_LENGTH) {
      problems.push(`auth.displayTokens[${i}].tokenEnv: ${token.env} is too short; use at least ${MIN_SECRET_LENGTH} random characters`);
    }
    tokens.push({ name: t.name, token, tags: t.tags, groups: t.groups });
  });

  const apiTokens = resolveApiTokens(file.apiTokens, tokens, env, problems);

  return {
    auth: {
      mode: "enabled",
      explicit,
      url,
      secret: signing,
      sessionHours: file.sessionHours,
      providers: list,
      viewers: v,
      admins: a,
      operators: file.operators,
      displayTokens: tokens,
      displayCookieDays: file.displayCookieDays,
      apiTokens,
    },
    problems,
  };
}

/**
 * API tokens, checked like display tokens: unique names, long values, and (since one Bearer value
 * must mean one thing) never the value of another token. Problems name tokens and variables only.
 */
function resolveApiTokens(list: AuthFile["apiTokens"], display: DisplayTokenConfig[], env: Env, problems: string[]): ApiTokenConfig[] {
  const out: ApiTokenConfig[] = [];
  const seen = new FirstSeen("auth.apiTokens", "name", problems);
  list.forEach((t, i) => {
    const path = `auth.apiTokens[${i}]`;
    seen.note(t.name, i);
    const token = secret(t.tokenEnv, env);
    if (token.value !== undefined) {
      if (token.value.length < MIN_SECRET_LENGTH) problems.push(`${path}.tokenEnv: ${token.env} is too short; use at least ${MIN_SECRET_LENGTH} random characters`);
      const d = display.findIndex((x) => x.token.value === token.value);
      if (d >= 0) problems.push(`${path}.tokenEnv: ${token.env} holds the same value as auth.displayTokens[${d}]; give every token its own value`);
      const a = out.findIndex((x) => x.token.value === token.value);
      if (a >= 0) problems.push(`${path}.tokenEnv: ${token.env} holds the same value as auth.apiTokens[${a}]; give every token its own value`);
    }
    out.push({ name: t.name, token, role: t.role, tags: t.tags });
  });
  return out;
}

function secretProblems(path: string, ref: SecretRef, what: string): string[] {
  if (!ref.value) return [`${path}: ${ref.env} is not set; it must hold ${what}`];
  if (ref.value.length < MIN_SECRET_LENGTH) return [`${path}: ${ref.env} is too short; it must hold ${what}`];
  return [];
}

/** `access:` resolved; undefined stays undefined (everyone signed in may see the environment). */
export function resolveAccess(access: z.infer<typeof accessSchema> | undefined): AccessRule | undefined {
  if (!access) return undefined;
  return access.operators ? { groups: access.groups, emails: access.emails, operators: access.operators } : { groups: access.groups, emails: access.emails };
}

/**
 * next-auth reads the board's public URL from `NEXTAUTH_URL` only (never from the request's Host
 * header, unless AUTH_TRUST_HOST is set). Hand it the configured one.
 */
export function exportNextAuthUrl(auth: AuthConfig): void {
  if (auth.mode === "enabled" && auth.url && process.env.NEXTAUTH_URL !== auth.url) process.env.NEXTAUTH_URL = auth.url;
}
