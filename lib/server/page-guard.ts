import "server-only";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { jarFrom } from "@/lib/auth/cookies";
import { decide } from "@/lib/auth/identify";
import type { Viewer } from "@/lib/auth/policy";
import { currentPolicy } from "@/lib/auth/policy-store";
import { safeReturnPath } from "@/lib/auth/return-path";
import { readSession } from "@/lib/auth/session";
import { roleOf } from "@/lib/auth/policy";

/**
 * The access check of every page: the first line of each `app/**\/page.tsx`. proxy.ts already
 * turned strangers away; this does not rely on it. Data reaches pages only through `/api/v1`,
 * which filters per environment, so a page needs to know only that the viewer may be here.
 */

/** Returns the viewer, or redirects to the sign-in page. `wall: true` also admits display tokens. */
export async function guardPage(opts: { wall?: boolean } = {}): Promise<Viewer> {
  const policy = currentPolicy();
  const decision = await decide(policy, { cookies: jarFrom((await cookies()).getAll()) }, opts.wall ? "wall" : "page");
  if (decision.ok) return decision.viewer;
  if (decision.status === 403) redirect("/signin?error=AccessDenied");
  const from = safeReturnPath((await headers()).get("x-flightboard-path"));
  redirect(from === "/" ? "/signin" : `/signin?callbackUrl=${encodeURIComponent(from)}`);
}

/** What the sign-in page shows. */
export interface SignInModel {
  providers: { id: string; name: string }[];
  callbackUrl: string;
  error: string | null;
  /** Set when someone is signed in but may not see the board. */
  signedInAs: string | null;
}

const ERRORS: Record<string, string> = {
  AccessDenied: "This account may not see the board. Ask an administrator to add it, or sign in with another account.",
  SessionRequired: "Please sign in.",
};

export async function signInModel(params: { callbackUrl?: string | string[]; error?: string | string[] }): Promise<SignInModel> {
  const policy = currentPolicy();
  const callbackUrl = safeReturnPath(typeof params.callbackUrl === "string" ? params.callbackUrl : null);
  if (policy.auth.mode !== "enabled") redirect(callbackUrl);
  const identity = await readSession(jarFrom((await cookies()).getAll()), policy.auth);
  const allowed = identity ? roleOf(policy.auth, identity) !== null : false;
  if (identity && allowed) redirect(callbackUrl);
  const code = typeof params.error === "string" ? params.error : null;
  const error = identity && !allowed ? ERRORS.AccessDenied : code ? (ERRORS[code] ?? "Sign-in did not complete. Try again; if it keeps failing, the server log says why.") : null;
  return {
    providers: policy.auth.providers.map((p) => ({ id: p.id, name: p.name })),
    callbackUrl,
    error,
    signedInAs: identity && !allowed ? (identity.email ?? identity.name ?? identity.sub) : null,
  };
}
