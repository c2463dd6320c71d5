import type { AccessRule, ApiTokenConfig, AuthConfig, DisplayTokenConfig } from "@/lib/config/types";

/**
 * The rules of who may do what (README, "Authentication"), as pure functions of the resolved
 * configuration. Evaluated on every request, so a change of the `auth:` section applies to
 * sessions that already exist.
 */

export type Role = "viewer" | "admin";

/** A signed-in person, as the identity provider described them at sign-in (carried in the session). */
export interface Identity {
  /** The provider's subject id. */
  sub: string;
  /** Provider id: oidc, github or google. */
  provider: string;
  name: string | null;
  /** Lower case. */
  email: string | null;
  /** false when the provider says the address is unverified; null when it does not say. */
  emailVerified: boolean | null;
  /** Group claims (OIDC); empty for providers without groups. */
  groups: string[];
}

/** Whoever makes a request, once authenticated. */
export type Viewer =
  /** Authentication is disabled (demo mode or `auth.mode: disabled`). */
  | { kind: "open" }
  | { kind: "user"; role: Role; identity: Identity }
  /** A wall screen holding a display token: read-only, the wall and the read API only. */
  | { kind: "display"; token: DisplayTokenConfig }
  /** A script holding an API token (`Authorization: Bearer`): the API only, within the token's tags. */
  | { kind: "token"; token: ApiTokenConfig };

function hasTags(want: Record<string, string>, env: EnvironmentAccessView): boolean {
  for (const [k, v] of Object.entries(want)) if (env.tags[k] !== v) return false;
  return true;
}

/** What visibility is decided on: an environment's id, tags and `access`. */
export interface EnvironmentAccessView {
  id: string;
  tags: Record<string, string>;
  access?: AccessRule;
}

/** The email address when rules may rely on it: present and not marked unverified. */
export function trustedEmail(identity: Identity): string | null {
  if (!identity.email || identity.emailVerified === false) return null;
  return identity.email.toLowerCase();
}

function intersects(a: readonly string[], b: readonly string[]): boolean {
  return a.length > 0 && b.length > 0 && a.some((x) => b.includes(x));
}

/** The role of a signed-in identity, or null when it may not see the board at all. */
export function roleOf(auth: AuthConfig, identity: Identity): Role | null {
  const email = trustedEmail(identity);
  if ((email !== null && auth.admins.emails.includes(email)) || intersects(identity.groups, auth.admins.groups)) return "admin";
  const v = auth.viewers;
  if (v.anyone) return "viewer";
  if (email !== null) {
    if (v.emails.includes(email)) return "viewer";
    if (v.emailDomains.includes(email.slice(email.lastIndexOf("@") + 1))) return "viewer";
  }
  if (intersects(identity.groups, v.groups)) return "viewer";
  return null;
}

/** Whether a viewer may see an environment (and its DAGs, runs and search results). */
export function canSee(viewer: Viewer, env: EnvironmentAccessView): boolean {
  switch (viewer.kind) {
    case "open":
      return true;
    case "user": {
      if (viewer.role === "admin" || !env.access) return true;
      const email = trustedEmail(viewer.identity);
      return intersects(viewer.identity.groups, env.access.groups) || (email !== null && env.access.emails.includes(email));
    }
    case "display": {
      const t = viewer.token;
      return hasTags(t.tags, env) && (!env.access || intersects(t.groups, env.access.groups));
    }
    case "token":
      // An API token is an administrator's explicit grant: its tags decide (contract §12), not `access`.
      return hasTags(viewer.token.tags, env);
  }
}

/** True when the viewer's visibility cannot depend on the environment (the shared caches apply). */
export function seesEverything(viewer: Viewer): boolean {
  return viewer.kind === "open" || (viewer.kind === "user" && viewer.role === "admin");
}

/** A short description for logs and `/api/v1/me`; never a secret. */
export function describeViewer(viewer: Viewer): string {
  switch (viewer.kind) {
    case "open":
      return "anyone (authentication disabled)";
    case "user":
      return `${viewer.identity.email ?? viewer.identity.sub} (${viewer.role})`;
    case "display":
      return `display token "${viewer.token.name}"`;
    case "token":
      return `API token "${viewer.token.name}" (${viewer.token.role})`;
  }
}
