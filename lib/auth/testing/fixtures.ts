import { disabledAuth } from "@/lib/config/auth";
import type { AuthConfig, DisplayTokenConfig } from "@/lib/config/types";
import type { Identity } from "../policy";

/** Test helpers: resolved auth settings and identities (no I/O). */

export const TEST_SECRET = "test-signing-secret-0123456789-abcdefghijklmnop";

export function authConfig(over: Partial<AuthConfig> = {}): AuthConfig {
  return {
    ...disabledAuth(true),
    mode: "enabled",
    url: "http://localhost:3000",
    secret: { env: "FLIGHTBOARD_AUTH_SECRET", value: TEST_SECRET },
    providers: [
      { type: "oidc", id: "oidc", name: "SSO", issuer: "http://127.0.0.1:1", clientId: "fb", clientSecret: { env: "X", value: "client-secret" }, scopes: ["openid"], groupsClaim: "groups" },
    ],
    viewers: { anyone: false, emails: ["guest@partner.test"], emailDomains: ["example.com"], groups: ["data"] },
    admins: { emails: ["root@example.com"], groups: ["fb-admins"] },
    ...over,
  };
}

export function displayToken(name: string, value: string | undefined, over: Partial<DisplayTokenConfig> = {}): DisplayTokenConfig {
  return { name, token: { env: `TOKEN_${name.toUpperCase()}`, value }, tags: {}, groups: [], ...over };
}

export function identity(over: Partial<Identity> = {}): Identity {
  return { sub: "u1", provider: "oidc", name: "Ann", email: "ann@example.com", emailVerified: true, groups: [], ...over };
}
