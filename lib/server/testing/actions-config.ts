/**
 * The configuration the action tests and screenshots run with: the simulator's environments with
 * actions on, and sign-in through one OpenID Connect provider that is never contacted (they mint
 * session cookies instead): viewers from example.com, the fb-admins group administers, the oncall
 * group operates. `auth` adds to that (display and API tokens). Imports nothing, so the Playwright
 * specs can use it as well as the vitest fixture.
 */
export function actionsConfig(simConfig: object, origin: string, auth: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...structuredClone(simConfig),
    actions: { enabled: true },
    auth: {
      url: origin,
      providers: { oidc: { issuer: "http://127.0.0.1:9", clientId: "flightboard" } },
      viewers: { emailDomains: ["example.com"] },
      admins: { groups: ["fb-admins"] },
      operators: { groups: ["oncall"] },
      ...auth,
    },
  };
}
