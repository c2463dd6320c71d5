import { encode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import { parseCookieHeader } from "./cookies";
import { issueDisplayCookie } from "./display-token";
import { decide } from "./identify";
import type { AuthPolicy } from "./policy-store";
import { readSession, sessionCookieName } from "./session";
import { authConfig, displayToken, identity, TEST_SECRET } from "./testing/fixtures";

const LOBBY = "lobby-token-value-0123456789-abcdefghijklmnopqrstuvwxyz";
const auth = authConfig({ displayTokens: [displayToken("lobby", LOBBY)] });
const policy: AuthPolicy = { auth, environmentAccess: new Map(), discoveryAccess: { mwaa: [], composer: [] }, source: "test", secretValues: [] };

async function sessionCookie(fb: unknown, opts: { secret?: string; maxAge?: number } = {}): Promise<string> {
  return encode({ token: { sub: "u1", fb }, secret: opts.secret ?? TEST_SECRET, maxAge: opts.maxAge ?? 3600 });
}
const jar = (cookies: Record<string, string>) => parseCookieHeader(Object.entries(cookies).map(([k, v]) => `${k}=${v}`).join("; "));

describe("sessions (next-auth JWTs)", () => {
  it("reads the identity of a genuine session, whole or in chunks", async () => {
    const token = await sessionCookie(identity({ groups: ["data"] }));
    expect(await readSession(jar({ "next-auth.session-token": token }), auth)).toEqual(identity({ groups: ["data"] }));
    const half = Math.floor(token.length / 2);
    expect(await readSession(jar({ "next-auth.session-token.1": token.slice(half), "next-auth.session-token.0": token.slice(0, half) }), auth)).toEqual(identity({ groups: ["data"] }));
  });

  it("refuses tampered, expired, foreign-secret, malformed and oversized sessions", async () => {
    const token = await sessionCookie(identity());
    const flip = token.slice(0, 40) + (token[40] === "A" ? "B" : "A") + token.slice(41);
    expect(await readSession(jar({ "next-auth.session-token": flip }), auth)).toBeNull();
    expect(await readSession(jar({ "next-auth.session-token": await sessionCookie(identity(), { maxAge: -60 }) }), auth)).toBeNull();
    expect(await readSession(jar({ "next-auth.session-token": await sessionCookie(identity(), { secret: "another-secret-0123456789-abcdefghijklmn" }) }), auth)).toBeNull();
    expect(await readSession(jar({ "next-auth.session-token": await sessionCookie({ provider: "oidc" }) }), auth)).toBeNull();
    expect(await readSession(jar({ "next-auth.session-token": "x".repeat(60_000) }), auth)).toBeNull();
    expect(await readSession(jar({ "next-auth.session-token": "garbage" }), auth)).toBeNull();
  });

  it("uses the __Secure- cookie on https and nothing when auth is off", async () => {
    expect(sessionCookieName(authConfig({ url: "https://b.example.com" }))).toBe("__Secure-next-auth.session-token");
    const token = await sessionCookie(identity());
    expect(await readSession(jar({ "next-auth.session-token": token }), authConfig({ url: "https://b.example.com" }))).toBeNull();
    expect(await readSession(jar({ "next-auth.session-token": token }), authConfig({ mode: "disabled" }))).toBeNull();
  });
});

describe("the access decision", () => {
  it("401 without credentials, 403 for a signed-in person no rule admits", async () => {
    expect(await decide(policy, { cookies: jar({}) }, "api")).toMatchObject({ ok: false, status: 401, code: "unauthorized" });
    const stranger = await sessionCookie(identity({ email: "x@elsewhere.test" }));
    expect(await decide(policy, { cookies: jar({ "next-auth.session-token": stranger }) }, "api")).toMatchObject({ ok: false, status: 403, code: "forbidden" });
    expect(await decide(policy, { cookies: jar({ "next-auth.session-token": stranger }) }, "page")).toMatchObject({ ok: false, status: 403 });
  });

  it("people reach everything; roles come from the configuration of now", async () => {
    const c = jar({ "next-auth.session-token": await sessionCookie(identity({ email: "root@example.com" })) });
    expect(await decide(policy, { cookies: c }, "page")).toMatchObject({ ok: true, viewer: { kind: "user", role: "admin" } });
    const demoted: AuthPolicy = { ...policy, auth: { ...auth, admins: { emails: [], groups: [] } } };
    expect(await decide(demoted, { cookies: c }, "page")).toMatchObject({ ok: true, viewer: { kind: "user", role: "viewer" } });
  });

  it("display tokens reach the wall and the API (cookie or Bearer), never other pages", async () => {
    const cookie = issueDisplayCookie(auth, auth.displayTokens[0]);
    const c = jar({ [cookie.name]: cookie.value });
    expect(await decide(policy, { cookies: c }, "wall")).toMatchObject({ ok: true, viewer: { kind: "display" } });
    expect(await decide(policy, { cookies: c }, "api")).toMatchObject({ ok: true, viewer: { kind: "display" } });
    expect(await decide(policy, { cookies: c }, "page")).toMatchObject({ ok: false, status: 401 });
    expect(await decide(policy, { cookies: jar({}), authorization: `Bearer ${LOBBY}` }, "api")).toMatchObject({ ok: true, viewer: { kind: "display" } });
    expect(await decide(policy, { cookies: jar({}), authorization: `Bearer ${LOBBY}` }, "wall")).toMatchObject({ ok: false, status: 401 });
    expect(await decide(policy, { cookies: jar({}), authorization: "Bearer wrong" }, "api")).toMatchObject({ ok: false, status: 401 });
  });

  it("API tokens: Bearer on the API only, the Bearer decides over a cookie, a wrong one is just 'invalid token'", async () => {
    const DEPLOY = "deploy-token-value-0123456789-abcdefghijklmnopqrstuvwxyz";
    const withApi: AuthPolicy = {
      ...policy,
      auth: { ...auth, apiTokens: [{ name: "deploy-bot", token: { env: "D", value: DEPLOY }, role: "operator", tags: { team: "sales" } }, { name: "off", token: { env: "O", value: undefined }, role: "viewer", tags: {} }] },
    };
    const bearer = (v: string) => ({ cookies: jar({}), authorization: `Bearer ${v}` });
    expect(await decide(withApi, bearer(DEPLOY), "api")).toMatchObject({ ok: true, viewer: { kind: "token", token: { name: "deploy-bot", role: "operator" } } });
    expect(await decide(withApi, bearer(DEPLOY), "page")).toMatchObject({ ok: false, status: 401 });
    expect(await decide(withApi, bearer(DEPLOY), "wall")).toMatchObject({ ok: false, status: 401 });
    for (const wrong of [DEPLOY.slice(0, -1), `${DEPLOY}x`, "undefined", "x".repeat(5000)]) {
      expect(await decide(withApi, bearer(wrong), "api")).toEqual({ ok: false, status: 401, code: "unauthorized", message: "invalid token" });
    }
    // A person's cookie does not rescue a wrong token, nor outrank a right one.
    const c = jar({ "next-auth.session-token": await sessionCookie(identity({ email: "root@example.com" })) });
    expect(await decide(withApi, { cookies: c, authorization: "Bearer wrong" }, "api")).toMatchObject({ ok: false, status: 401 });
    expect(await decide(withApi, { cookies: c, authorization: `Bearer ${DEPLOY}` }, "api")).toMatchObject({ ok: true, viewer: { kind: "token" } });
    expect(await decide({ ...withApi, auth: { ...withApi.auth, apiTokens: [] } }, bearer(DEPLOY), "api")).toMatchObject({ ok: false, status: 401 });
  });

  it("with authentication off everyone is let in", async () => {
    expect(await decide({ ...policy, auth: authConfig({ mode: "disabled" }) }, { cookies: jar({}) }, "page")).toEqual({ ok: true, viewer: { kind: "open" } });
  });
});
