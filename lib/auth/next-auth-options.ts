import type { NextAuthOptions, Profile, Session } from "next-auth";
import GithubProvider from "next-auth/providers/github";
import GoogleProvider from "next-auth/providers/google";
import type { OAuthConfig, Provider } from "next-auth/providers/index";
import type { UserinfoEndpointHandler } from "next-auth/providers/oauth";
import type { TokenSet as OidcTokenSet } from "openid-client";
import type { AuthProviderConfig } from "@/lib/config/types";
import { roleOf, type Identity, type Role } from "./policy";
import type { AuthPolicy } from "./policy-store";
import { describeError, LogLimiter, quoteForLog } from "./redact";
import { safeRedirect } from "./return-path";
import { toIdentity, usesSecureCookies } from "./session";

/**
 * next-auth (v4) options built from the policy in force: the configured providers, JWT sessions
 * signed with the configured secret, our own sign-in page, and callbacks that admit only the
 * people `auth.viewers` / `auth.admins` name. The session carries the identity (`fb` claim); roles
 * and visibility are recomputed from the configuration on every request.
 */

type Claims = Record<string, unknown>;

const MAX_GROUPS = 200;

function str(v: unknown): string | null {
  return typeof v === "string" && v.trim().length > 0 ? v.trim() : null;
}

function bool(v: unknown): boolean | null {
  if (typeof v === "boolean") return v;
  if (v === "true") return true;
  if (v === "false") return false;
  return null;
}

/** A claim by dotted path (`groups`, `realm_access.roles`) as a list of strings. */
export function claimList(claims: Claims, path: string): string[] {
  let v: unknown = claims;
  for (const seg of path.split(".")) {
    if (!v || typeof v !== "object") return [];
    v = (v as Claims)[seg];
  }
  const list = Array.isArray(v) ? v : typeof v === "string" ? [v] : [];
  return list.filter((g): g is string => typeof g === "string" && g.length > 0 && g.length <= 256).slice(0, MAX_GROUPS);
}

/** The session identity from a provider's profile (ID token claims, userinfo or GitHub's API). */
export function identityFromProfile(provider: AuthProviderConfig, profile: Claims): Identity | null {
  const sub = provider.type === "github" ? str(String(profile.id ?? "")) : str(profile.sub);
  if (!sub) return null;
  const email = str(profile.email)?.toLowerCase() ?? null;
  let emailVerified = bool(profile.email_verified);
  // Google always says; GitHub addresses come from its verified list only (see githubUserinfo).
  if (provider.type === "google") emailVerified = emailVerified === true;
  if (provider.type === "github") emailVerified = email !== null && emailVerified === true ? true : null;
  return {
    sub,
    provider: provider.id,
    name: str(profile.name) ?? str(profile.preferred_username) ?? str(profile.login),
    email,
    emailVerified,
    groups: provider.type === "oidc" ? claimList(profile, provider.groupsClaim) : [],
  };
}

/** GitHub: the primary address only when GitHub has verified it. */
const githubUserinfo: UserinfoEndpointHandler["request"] = async ({ tokens, client }) => {
  const profile = (await client.userinfo(tokens.access_token!)) as Claims;
  const res = await fetch("https://api.github.com/user/emails", {
    headers: { authorization: `Bearer ${tokens.access_token}`, accept: "application/vnd.github+json", "user-agent": "flightboard" },
    signal: AbortSignal.timeout(10_000),
  });
  const emails: unknown = res.ok ? await res.json() : [];
  const primary = Array.isArray(emails) ? (emails as Claims[]).find((e) => e?.primary === true && e?.verified === true) : undefined;
  return { ...profile, email: str(primary?.email), email_verified: primary !== undefined } as Profile;
};

function toProvider(p: AuthProviderConfig): Provider {
  const clientSecret = p.clientSecret.value ?? "";
  switch (p.type) {
    case "oidc":
      return {
        id: "oidc",
        name: p.name,
        type: "oauth",
        wellKnown: `${p.issuer}/.well-known/openid-configuration`,
        clientId: p.clientId,
        clientSecret,
        authorization: { params: { scope: p.scopes.join(" ") } },
        idToken: true,
        checks: ["pkce", "state", "nonce"],
        // ID token claims, topped up from userinfo where the provider has it (some put groups only there).
        userinfo: {
          async request({ tokens, client }) {
            // At run time this is openid-client's TokenSet (next-auth types it as plain fields).
            const set = tokens as unknown as OidcTokenSet;
            const claims = set.claims() as Claims;
            if (!client.issuer.metadata.userinfo_endpoint || !set.access_token) return claims as Profile;
            return { ...claims, ...((await client.userinfo(set)) as Claims), sub: claims.sub } as Profile;
          },
        },
        profile: (profile: Claims) => ({ id: String(profile.sub), name: str(profile.name), email: str(profile.email) }),
      } satisfies OAuthConfig<Claims>;
    case "github":
      return GithubProvider({ clientId: p.clientId, clientSecret, userinfo: { url: "https://api.github.com/user", request: githubUserinfo } });
    case "google":
      return GoogleProvider({
        clientId: p.clientId,
        clientSecret,
        authorization: { params: { scope: "openid email profile", prompt: "select_account", ...(p.hostedDomain ? { hd: p.hostedDomain } : {}) } },
      });
  }
}

/** Whether the provider's answer may sign in at all (before the viewer rules). */
function providerAccepts(p: AuthProviderConfig, profile: Claims): boolean {
  if (p.type === "google" && p.hostedDomain) return profile.hd === p.hostedDomain;
  return true;
}

const cache = new WeakMap<AuthPolicy, NextAuthOptions>();
/** next-auth's message codes are constants (`OAUTH_CALLBACK_ERROR`); anything else is quoted. */
const logCode = (code: string) => (/^[A-Z0-9_]{1,60}$/.test(code) ? code : quoteForLog(code, 60));
/** One for the process: a new policy (configuration reload) must not reset the limits. */
const logLimiter = new LogLimiter();

/** The session as `/api/auth/session` shows it: name, email and role; nothing secret. */
export interface FlightboardSession extends Session {
  role: Role | null;
}

export function nextAuthOptions(policy: AuthPolicy): NextAuthOptions {
  const hit = cache.get(policy);
  if (hit) return hit;
  const auth = policy.auth;
  const maxAge = Math.round(auth.sessionHours * 3600);
  const byId = new Map(auth.providers.map((p) => [p.id as string, p]));
  const identify = (providerId: string | undefined, profile: unknown): { provider: AuthProviderConfig; identity: Identity } | null => {
    const provider = providerId ? byId.get(providerId) : undefined;
    if (!provider || !profile || typeof profile !== "object") return null;
    const identity = identityFromProfile(provider, profile as Claims);
    return identity && providerAccepts(provider, profile as Claims) ? { provider, identity } : null;
  };
  const options: NextAuthOptions = {
    providers: auth.providers.map(toProvider),
    secret: auth.secret.value,
    session: { strategy: "jwt", maxAge, updateAge: Math.min(maxAge, 3600) },
    jwt: { maxAge },
    useSecureCookies: usesSecureCookies(auth),
    pages: { signIn: "/signin", error: "/signin", signOut: "/signout" },
    callbacks: {
      // Replaces next-auth's default, which passes `/\t/evil.example`-style paths through as they are.
      redirect({ url, baseUrl }) {
        return safeRedirect(url, baseUrl);
      },
      signIn({ account, profile }) {
        const who = identify(account?.provider, profile);
        if (!who) return false;
        if (roleOf(auth, who.identity) === null) {
          const admitted = logLimiter.admit("sign-in refused");
          if (admitted !== null) {
            console.warn(`flightboard: sign-in refused for ${quoteForLog(who.identity.email ?? who.identity.sub)} via ${who.provider.id}: not listed in auth.viewers or auth.admins${admitted}`);
          }
          return false;
        }
        return true;
      },
      jwt({ token, account, profile }) {
        if (!account) return token;
        const who = identify(account.provider, profile);
        // Only what the rules need; provider tokens (access, refresh, ID) are never kept.
        return who ? { sub: who.identity.sub, name: who.identity.name, email: who.identity.email, fb: who.identity } : token;
      },
      session({ session, token }) {
        const identity = toIdentity(token.fb);
        const out: FlightboardSession = {
          expires: session.expires,
          user: { name: identity?.name ?? null, email: identity?.email ?? null },
          role: identity ? roleOf(auth, identity) : null,
        };
        return out;
      },
    },
    events: {
      signIn({ user, account }) {
        console.log(`flightboard: signed in: ${quoteForLog(user.email ?? user.id)} via ${quoteForLog(account?.provider ?? "?", 40)}`);
      },
    },
    logger: {
      // Anyone can make next-auth log (`/api/auth/callback/oidc?error=…`, twice per request): quoted, short, rate-limited.
      error(code, metadata) {
        const admitted = logLimiter.admit(`error ${code}`);
        if (admitted === null) return;
        const detail = describeError(metadata, policy.secretValues);
        console.error(`flightboard: sign-in error ${logCode(code)}${detail ? `: ${detail}` : ""}${admitted}`);
      },
      warn(code) {
        const admitted = logLimiter.admit(`warn ${code}`);
        if (admitted !== null) console.warn(`flightboard: sign-in warning ${logCode(code)}${admitted}`);
      },
      debug() {},
    },
  };
  cache.set(policy, options);
  return options;
}
