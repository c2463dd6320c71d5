import { afterEach, describe, expect, it, vi } from "vitest";
import { nextAuthOptions } from "./next-auth-options";
import type { AuthPolicy } from "./policy-store";
import { describeError, LogLimiter, quoteForLog, redact } from "./redact";
import { authConfig } from "./testing/fixtures";

describe("quoteForLog", () => {
  it("quotes, escapes line breaks, quotes, backslashes, controls and invisible characters", () => {
    expect(quoteForLog("access_denied")).toBe('"access_denied"');
    expect(quoteForLog("a\nflightboard: signed in: admin@example.com")).toBe('"a\\nflightboard: signed in: admin@example.com"');
    expect(quoteForLog('x" y\\z\r\t\u0000\u001b[31m\u202e\u2028')).toBe('"x\\" y\\\\z\\r\\t\\u0000\\u001b[31m\\u202e\\u2028"');
  });

  it("keeps at most 80 characters (whole characters, never half a surrogate pair)", () => {
    expect(quoteForLog("a".repeat(300))).toBe(`"${"a".repeat(80)}…"`);
    expect(quoteForLog("😀".repeat(100))).toBe(`"${"😀".repeat(80)}…"`);
    expect(quoteForLog("abcdef", 3)).toBe('"abc…"');
  });
});

describe("describeError", () => {
  it("redacts secrets and token-shaped text, then quotes", () => {
    const d = describeError(new Error(`bad code ${"A".repeat(40)} with hunter22`), ["hunter22"]);
    expect(d).toBe('"Error" "bad code [redacted] with [redacted]"');
    expect(describeError({ message: "x\ny" }, [])).toBe('"x\\ny"');
    expect(redact("client-secret-value", ["client-secret-value"])).toBe("[redacted]");
  });
});

describe("LogLimiter", () => {
  it("lets a few lines per key through each window, then says how many it left out", () => {
    const l = new LogLimiter(3, 60_000);
    const t = 1_000_000;
    expect([1, 2, 3, 4, 5].map((i) => l.admit("k", t + i))).toEqual(["", "", "", null, null]);
    expect(l.admit("other", t)).toBe("");
    expect(l.admit("k", t + 60_001)).toBe(" (2 more like this were not logged since the last one)");
    expect(l.admit("k", t + 60_002)).toBe("");
  });

  it("keeps a bounded number of keys", () => {
    const l = new LogLimiter(1, 60_000, 10);
    for (let i = 0; i < 1000; i++) l.admit(`k${i}`, 0);
    expect(l.admit("k0", 1)).toBe(""); // forgotten, so admitted again
  });
});

describe("next-auth's logger", () => {
  const policy: AuthPolicy = { auth: authConfig(), environmentAccess: new Map(), discoveryAccess: { mwaa: [], composer: [] }, source: "x", secretValues: [] };
  afterEach(() => vi.restoreAllMocks());

  it("logs attacker text from ?error= quoted, short and rate-limited (as /api/auth/callback/oidc?error= makes it do)", () => {
    const lines: string[] = [];
    vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => void lines.push(args.join(" ")));
    const logger = nextAuthOptions(policy).logger!;
    const attack = `access_denied\nflightboard: signed in: admin@example.com ${"x".repeat(300)}`;
    for (let i = 0; i < 100; i++) {
      // next-auth's own two calls for one such request.
      logger.error!("OAUTH_CALLBACK_HANDLER_ERROR", { error: new Error(attack), providerId: "oidc" } as never);
      logger.error!("OAUTH_CALLBACK_ERROR", { error: new Error(attack), providerId: "oidc" } as never);
    }
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThanOrEqual(20);
    for (const line of lines) {
      expect(line).not.toContain("\n");
      expect(line).toContain('"access_denied\\nflightboard: signed in: admin@example.com');
      expect(line.length).toBeLessThan(200);
    }
  });
});
