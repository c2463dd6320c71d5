import type { CallbacksOptions } from "next-auth";
import { describe, expect, it } from "vitest";
import type { AuthProviderConfig } from "@/lib/config/types";
import { claimList, identityFromProfile, nextAuthOptions } from "./next-auth-options";
import type { AuthPolicy } from "./policy-store";
import { authConfig } from "./testing/fixtures";

const secret = { env: "X", value: "client-secret" };
const oidc: AuthProviderConfig = { type: "oidc", id: "oidc", name: "SSO", issuer: "https://idp.example.com", clientId: "fb", clientSecret: secret, scopes: ["openid"], groupsClaim: "realm_access.roles" };
const github: AuthProviderConfig = { type: "github", id: "github", name: "GitHub", clientId: "gh", clientSecret: secret };
const google: AuthProviderConfig = { type: "google", id: "google", name: "Google", clientId: "g", clientSecret: secret, hostedDomain: "example.com" };

describe("identities from provider profiles", () => {
  it("OIDC: subject, lower-cased email, verified flag as sent, groups from a dotted claim", () => {
    expect(identityFromProfile(oidc, { sub: "s1", email: "Ann@Example.COM", email_verified: "false", realm_access: { roles: ["data", 7, ""] }, name: "Ann" })).toEqual({
      sub: "s1",
      provider: "oidc",
      name: "Ann",
      email: "ann@example.com",
      emailVerified: false,
      groups: ["data"],
    });
    expect(identityFromProfile(oidc, { email: "a@b.c" })).toBeNull();
    expect(claimList({ groups: "single" }, "groups")).toEqual(["single"]);
    expect(claimList({ groups: Array.from({ length: 500 }, (_, i) => `g${i}`) }, "groups")).toHaveLength(200);
  });

  it("Google: unverified unless Google says verified; GitHub: only a verified primary address", () => {
    expect(identityFromProfile(google, { sub: "g1", email: "a@example.com" })?.emailVerified).toBe(false);
    expect(identityFromProfile(google, { sub: "g1", email: "a@example.com", email_verified: true })?.emailVerified).toBe(true);
    expect(identityFromProfile(github, { id: 42, login: "octo", email: "o@example.com", email_verified: true })).toMatchObject({ sub: "42", name: "octo", emailVerified: true, groups: [] });
    expect(identityFromProfile(github, { id: 42, login: "octo", email: null, email_verified: false })).toMatchObject({ email: null, emailVerified: null });
  });
});

describe("next-auth callbacks", () => {
  const auth = authConfig({ providers: [oidc, google] });
  const policy: AuthPolicy = { auth, environmentAccess: new Map(), discoveryAccess: { mwaa: [], composer: [] }, source: "x", secretValues: ["client-secret"] };
  const opts = nextAuthOptions(policy);
  const signIn = (provider: string, profile: Record<string, unknown>) =>
    opts.callbacks!.signIn!({ account: { provider, type: "oauth", providerAccountId: "x" }, profile, user: { id: "x" } } as Parameters<CallbacksOptions["signIn"]>[0]);

  it("admit only people the rules name, and Google accounts of the hosted domain only", async () => {
    expect(await signIn("oidc", { sub: "1", email: "ann@example.com" })).toBe(true);
    expect(await signIn("oidc", { sub: "2", email: "eve@elsewhere.test" })).toBe(false);
    expect(await signIn("oidc", { sub: "3", email: "x@elsewhere.test", realm_access: { roles: ["fb-admins"] } })).toBe(true);
    expect(await signIn("google", { sub: "4", email: "ann@example.com", email_verified: true, hd: "example.com" })).toBe(true);
    expect(await signIn("google", { sub: "5", email: "ann@example.com", email_verified: true })).toBe(false);
    expect(await signIn("nope", { sub: "6", email: "ann@example.com" })).toBe(false);
  });

  it("return only to paths on the board's own origin", async () => {
    const redirect = (url: string) => opts.callbacks!.redirect!({ url, baseUrl: "http://localhost:3000" });
    expect(await redirect("/environments/x?tag=a%3Ab")).toBe("http://localhost:3000/environments/x?tag=a%3Ab");
    expect(await redirect("http://localhost:3000/wall")).toBe("http://localhost:3000/wall");
    for (const bad of ["/\t/evil.example", "/\t\\evil.example", "/\n/evil.example", "//evil.example", "https://evil.example/", "javascript:alert(1)", "/?token=secret"]) {
      expect(await redirect(bad), JSON.stringify(bad)).toBe("http://localhost:3000/");
    }
  });

  it("keep only the identity in the session token, never provider tokens", async () => {
    const token = await opts.callbacks!.jwt!({
      token: { sub: "1", picture: "p" },
      account: { provider: "oidc", type: "oauth", providerAccountId: "1", access_token: "at", id_token: "it", refresh_token: "rt" },
      profile: { sub: "1", email: "ann@example.com", realm_access: { roles: ["data"] } },
      user: { id: "1" },
    } as Parameters<CallbacksOptions["jwt"]>[0]);
    expect(token).toEqual({ sub: "1", name: null, email: "ann@example.com", fb: { sub: "1", provider: "oidc", name: null, email: "ann@example.com", emailVerified: null, groups: ["data"] } });
    expect(opts.secret).toBe(auth.secret.value);
    expect(opts.session?.strategy).toBe("jwt");
  });
});
