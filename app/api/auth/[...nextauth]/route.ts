import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { exportNextAuthUrl } from "@/lib/config/auth";
import { nextAuthOptions } from "@/lib/auth/next-auth-options";
import { currentPolicy, PolicyUnavailable } from "@/lib/auth/policy-store";
import { apiError } from "@/lib/server/api";

/** next-auth's endpoints (sign-in, callback, CSRF, session, sign-out) with the options in force. */
async function handler(req: NextRequest, ctx: { params: Promise<{ nextauth: string[] }> }): Promise<Response> {
  let policy;
  try {
    policy = currentPolicy();
  } catch (e) {
    if (e instanceof PolicyUnavailable) return apiError(503, "unavailable", "the server's configuration is not usable; see its log");
    throw e;
  }
  if (policy.auth.mode !== "enabled") return apiError(404, "not_found", "authentication is disabled");
  exportNextAuthUrl(policy.auth);
  return (await NextAuth(req, ctx, nextAuthOptions(policy))) as Response;
}

export { handler as GET, handler as POST };
