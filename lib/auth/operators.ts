import type { AccessRule, AuthConfig } from "@/lib/config/types";
import { trustedEmail, type Viewer } from "./policy";

/**
 * Who may act (contract §12), as a pure function of the resolved configuration, evaluated on every
 * action: admins; people in `auth.operators`; people in the environment's `access.operators`; API
 * tokens with role `operator` (within their tags).
 * Display tokens and viewers never act, and with authentication disabled nobody does (an action
 * needs an identity for the audit log). Visibility is checked before this (hidden = 404).
 */

export type ActDecision = { ok: true; actor: string } | { ok: false; reason: string };

function listed(rule: { emails: string[]; groups: string[] } | undefined, email: string | null, groups: string[]): boolean {
  if (!rule) return false;
  return (email !== null && rule.emails.includes(email)) || groups.some((g) => rule.groups.includes(g));
}

export function mayAct(enabled: boolean, auth: AuthConfig | undefined, viewer: Viewer, access: AccessRule | undefined): ActDecision {
  if (!enabled) return { ok: false, reason: "actions are turned off on this board (actions.enabled in the configuration)" };
  if (!auth || auth.mode === "disabled" || viewer.kind === "open") {
    return { ok: false, reason: "nobody may act while authentication is disabled: an action needs a signed-in operator" };
  }
  if (viewer.kind === "display") return { ok: false, reason: "display tokens are read-only" };
  // Visibility (the token's tags) was checked before; the token's role is the grant. Audited by name.
  if (viewer.kind === "token") {
    return viewer.token.role === "operator" ? { ok: true, actor: viewer.token.name } : { ok: false, reason: `API token "${viewer.token.name}" has role viewer: it reads but may not act` };
  }
  const who = viewer.identity.email ?? viewer.identity.sub;
  if (viewer.role === "admin") return { ok: true, actor: who };
  const email = trustedEmail(viewer.identity);
  if (listed(auth.operators, email, viewer.identity.groups) || listed(access?.operators, email, viewer.identity.groups)) return { ok: true, actor: who };
  return { ok: false, reason: "you may view this environment but not act on it: operators are listed in auth.operators or the environment's access.operators" };
}
