import { describe, expect, it } from "vitest";
import { exchangeWallToken, stripToken } from "./display-exchange";
import { displayCookieName, issueDisplayCookie, matchDisplayToken, verifyDisplayCookie } from "./display-token";
import { authConfig, displayToken } from "./testing/fixtures";

const LOBBY = "lobby-token-value-0123456789-abcdefghijklmnopqrstuvwxyz";
const OPS = "ops-token-value-0123456789-abcdefghijklmnopqrstuvwxyz-000";
const auth = authConfig({ displayTokens: [displayToken("lobby", LOBBY, { tags: { stage: "prod" } }), displayToken("ops", OPS), displayToken("gone", undefined)] });
const NOW = Date.UTC(2026, 10, 21, 12);

describe("display tokens", () => {
  it("match only a configured, set token", () => {
    expect(matchDisplayToken(auth, LOBBY)?.name).toBe("lobby");
    expect(matchDisplayToken(auth, OPS)?.name).toBe("ops");
    expect(matchDisplayToken(auth, `${LOBBY}x`)).toBeNull();
    expect(matchDisplayToken(auth, "")).toBeNull();
    expect(matchDisplayToken(auth, undefined)).toBeNull();
    expect(matchDisplayToken(auth, "x".repeat(5000))).toBeNull();
    expect(matchDisplayToken(authConfig({ mode: "disabled", displayTokens: auth.displayTokens }), LOBBY)).toBeNull();
  });

  it("a cookie holds a MAC, never the token, and verifies against the configuration of now", () => {
    const c = issueDisplayCookie(auth, auth.displayTokens[0], NOW);
    expect(c.name).toBe("flightboard-display");
    expect(c.maxAge).toBe(365 * 86_400);
    expect(c.value).toMatch(/^v1\.lobby\.\d+\.[A-Za-z0-9_-]{43}$/);
    expect(c.value).not.toContain(LOBBY);
    expect(verifyDisplayCookie(auth, c.value, NOW + 1000)?.name).toBe("lobby");

    // Revoked: token removed, its value changed, its variable unset, or the signing secret changed.
    expect(verifyDisplayCookie(authConfig({ displayTokens: [auth.displayTokens[1]] }), c.value, NOW)).toBeNull();
    expect(verifyDisplayCookie(authConfig({ displayTokens: [displayToken("lobby", `${LOBBY}-rotated`)] }), c.value, NOW)).toBeNull();
    expect(verifyDisplayCookie(authConfig({ displayTokens: [displayToken("lobby", undefined)] }), c.value, NOW)).toBeNull();
    expect(verifyDisplayCookie(authConfig({ displayTokens: auth.displayTokens, secret: { env: "S", value: "another-secret-0123456789-abcdefghijklmn" } }), c.value, NOW)).toBeNull();
  });

  it("a forged, renamed, expired or future cookie is refused", () => {
    const c = issueDisplayCookie(auth, auth.displayTokens[0], NOW).value;
    const [v, , iat, mac] = c.split(".");
    expect(verifyDisplayCookie(auth, `${v}.ops.${iat}.${mac}`, NOW)).toBeNull();
    expect(verifyDisplayCookie(auth, `${v}.lobby.${Number(iat) + 1}.${mac}`, NOW)).toBeNull();
    expect(verifyDisplayCookie(auth, `${c.slice(0, -2)}AA`, NOW)).toBeNull();
    expect(verifyDisplayCookie(auth, c, NOW + 366 * 86_400_000)).toBeNull();
    expect(verifyDisplayCookie(auth, issueDisplayCookie(auth, auth.displayTokens[0], NOW + 3600_000).value, NOW)).toBeNull();
    expect(verifyDisplayCookie(auth, "v1.lobby", NOW)).toBeNull();
  });

  it("accepts only the canonical spelling of a cookie: no other base64url ending, no leading zero", () => {
    const c = issueDisplayCookie(auth, auth.displayTokens[0], NOW).value;
    const [v, name, iat, mac] = c.split(".");
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    // The last character carries 4 payload bits and 2 spare ones: its 3 siblings decode to the same bytes.
    const last = alphabet.indexOf(mac.at(-1)!);
    const siblings = [0, 1, 2, 3].map((spare) => alphabet[(last & ~3) | spare]).filter((ch) => ch !== mac.at(-1));
    expect(siblings).toHaveLength(3);
    for (const ch of siblings) {
      const variant = `${v}.${name}.${iat}.${mac.slice(0, -1)}${ch}`;
      expect(Buffer.from(variant.split(".")[3], "base64url").equals(Buffer.from(mac, "base64url"))).toBe(true);
      expect(verifyDisplayCookie(auth, variant, NOW)).toBeNull();
    }
    expect(verifyDisplayCookie(auth, `${v}.${name}.0${iat}.${mac}`, NOW)).toBeNull();
    expect(verifyDisplayCookie(auth, c, NOW)?.name).toBe("lobby");
    expect(verifyDisplayCookie(auth, undefined, NOW)).toBeNull();
  });

  it("uses a __Secure- cookie on https", () => {
    expect(displayCookieName(authConfig({ url: "https://board.example.com" }))).toBe("__Secure-flightboard-display");
  });
});

describe("the /wall?token= exchange", () => {
  const url = (q: string) => new URL(`http://localhost:3000/wall${q}`);

  it("strips the token and keeps the wall's other options", () => {
    expect(stripToken(url("?rotate=30&token=abc&tag=stage%3Aprod"))).toBe("/wall?rotate=30&tag=stage%3Aprod");
    expect(stripToken(url("?token=abc"))).toBe("/wall");
    expect(stripToken(url("?TOKEN=abc&rotate=5&Token=def"))).toBe("/wall?rotate=5");
  });

  it("sets the cookie for a valid token and redirects without it", () => {
    const r = exchangeWallToken(auth, url(`?token=${encodeURIComponent(LOBBY)}&theme=dark`), NOW);
    expect(r.kind).toBe("redirect");
    if (r.kind !== "redirect") return;
    expect(r.location).toBe("/wall?theme=dark");
    expect(r.cookie?.secure).toBe(false);
    expect(verifyDisplayCookie(auth, r.cookie?.value, NOW)?.name).toBe("lobby");
    expect(JSON.stringify(r)).not.toContain(LOBBY);
  });

  it("refuses unknown, revoked and repeated tokens", () => {
    expect(exchangeWallToken(auth, url("?token=nope"), NOW).kind).toBe("invalid");
    expect(exchangeWallToken(auth, url(`?token=${LOBBY}&token=${LOBBY}`), NOW).kind).toBe("invalid");
    expect(exchangeWallToken(authConfig(), url(`?token=${LOBBY}`), NOW).kind).toBe("invalid");
  });

  it("with authentication off only strips the token", () => {
    expect(exchangeWallToken(authConfig({ mode: "disabled" }), url("?token=abc&x=1"), NOW)).toEqual({ kind: "redirect", location: "/wall?x=1" });
  });
});
