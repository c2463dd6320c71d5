import { describe, expect, it } from "vitest";
import { canSee, roleOf, seesEverything, type Viewer } from "./policy";
import { authConfig, displayToken, identity } from "./testing/fixtures";

const auth = authConfig();
const user = (over: Parameters<typeof identity>[0], role: "viewer" | "admin" = "viewer"): Viewer => ({ kind: "user", role, identity: identity(over) });

describe("roles", () => {
  it("admins by email or group; viewers by domain, email or group; nobody else", () => {
    expect(roleOf(auth, identity({ email: "root@example.com" }))).toBe("admin");
    expect(roleOf(auth, identity({ email: "x@elsewhere.test", groups: ["fb-admins"] }))).toBe("admin");
    expect(roleOf(auth, identity({ email: "ann@example.com" }))).toBe("viewer");
    expect(roleOf(auth, identity({ email: "guest@partner.test" }))).toBe("viewer");
    expect(roleOf(auth, identity({ email: "x@elsewhere.test", groups: ["data"] }))).toBe("viewer");
    expect(roleOf(auth, identity({ email: "x@elsewhere.test", groups: ["other"] }))).toBeNull();
    expect(roleOf(auth, identity({ email: null, groups: [] }))).toBeNull();
  });

  it("an address the provider marks unverified counts for nothing; a subdomain is not the domain", () => {
    expect(roleOf(auth, identity({ email: "root@example.com", emailVerified: false }))).toBeNull();
    expect(roleOf(auth, identity({ email: "ann@example.com", emailVerified: false }))).toBeNull();
    expect(roleOf(auth, identity({ email: "ann@evil.example.com" }))).toBeNull();
    expect(roleOf(auth, identity({ email: "ann@example.com.evil.test" }))).toBeNull();
    expect(roleOf(auth, identity({ email: "ann@example.com", emailVerified: null }))).toBe("viewer");
  });

  it("anyone: true admits every identity the provider vouches for", () => {
    expect(roleOf(authConfig({ viewers: { anyone: true, emails: [], emailDomains: [], groups: [] } }), identity({ email: null }))).toBe("viewer");
  });
});

describe("visibility", () => {
  const open = { id: "open", tags: { team: "sales", stage: "prod" } };
  const fin = { id: "fin", tags: { team: "finance", stage: "prod" }, access: { groups: ["finance"], emails: ["cfo@example.com"] } };
  const locked = { id: "locked", tags: {}, access: { groups: [], emails: [] } };

  it("environments without access are for everyone signed in; with access, for its groups and emails and admins", () => {
    expect(canSee(user({}), open)).toBe(true);
    expect(canSee(user({}), fin)).toBe(false);
    expect(canSee(user({ groups: ["finance"] }), fin)).toBe(true);
    expect(canSee(user({ email: "cfo@example.com" }), fin)).toBe(true);
    expect(canSee(user({ email: "cfo@example.com", emailVerified: false }), fin)).toBe(false);
    expect(canSee(user({}, "admin"), fin)).toBe(true);
    expect(canSee(user({ groups: ["finance"] }), locked)).toBe(false);
    expect(canSee(user({}, "admin"), locked)).toBe(true);
    expect(canSee({ kind: "open" }, locked)).toBe(true);
  });

  it("display tokens see environments with all their tags, and restricted ones only through their groups", () => {
    const prod: Viewer = { kind: "display", token: displayToken("lobby", "x", { tags: { stage: "prod" } }) };
    const sales: Viewer = { kind: "display", token: displayToken("sales", "x", { tags: { team: "sales", stage: "prod" } }) };
    const finWall: Viewer = { kind: "display", token: displayToken("fin", "x", { groups: ["finance"] }) };
    expect(canSee(prod, open)).toBe(true);
    expect(canSee(prod, fin)).toBe(false);
    expect(canSee(sales, open)).toBe(true);
    expect(canSee(sales, { ...open, tags: { team: "sales" } })).toBe(false);
    expect(canSee(finWall, fin)).toBe(true);
    expect(canSee(finWall, locked)).toBe(false);
  });

  it("only open access and admins skip per-environment checks", () => {
    expect(seesEverything({ kind: "open" })).toBe(true);
    expect(seesEverything(user({}, "admin"))).toBe(true);
    expect(seesEverything(user({}))).toBe(false);
    expect(seesEverything({ kind: "display", token: displayToken("a", "x") })).toBe(false);
  });
});

describe("start-up announcement", () => {
  it("is quiet in demo mode, loud when a file turns auth off, and names unset display tokens", async () => {
    const { announceAuth } = await import("./announce");
    const lines: string[] = [];
    const log = { log: (s: string) => lines.push(`log ${s}`), warn: (s: string) => lines.push(`warn ${s}`) };
    announceAuth(authConfig({ mode: "disabled" }), null, log);
    expect(lines).toEqual(["log flightboard: authentication is off (demo mode: no configuration file)"]);
    lines.length = 0;
    announceAuth(authConfig({ mode: "disabled" }), "/etc/fb.yaml", log);
    expect(lines.filter((l) => l.startsWith("warn ")).length).toBe(5);
    expect(lines.join("\n")).toContain("AUTHENTICATION IS DISABLED by auth.mode: disabled in /etc/fb.yaml");
    lines.length = 0;
    announceAuth(authConfig({ displayTokens: [displayToken("lobby", undefined)] }), "/etc/fb.yaml", log);
    expect(lines).toEqual([
      "log flightboard: authentication on at http://localhost:3000 (sign-in: oidc; sessions 12 h; 1 display token(s), 0 API token(s))",
      'warn flightboard: display token "lobby" is disabled: TOKEN_LOBBY is not set',
    ]);
  });
});
