import { describe, expect, it } from "vitest";
import { looksIpBlocked, usesIap } from "./transport";

describe("looksIpBlocked", () => {
  it.each([
    "<p>Your client IP address 10.1.2.3 is not allowed to access this Airflow web server.</p>",
    '{"error":{"code":403,"message":"IP address 2001:db8::1 is not authorized"}}',
    "Access denied by the web server network access control",
  ])("recognises %s", (text) => expect(looksIpBlocked(text)).toBe(true));

  it.each(['{"detail":"Forbidden","status":403}', "<title>Sign in - Google Accounts</title>", "Invalid IAP credentials: Expired JWT"])(
    "ignores %s",
    (text) => expect(looksIpBlocked(text)).toBe(false),
  );
});

describe("usesIap", () => {
  it("follows the generation, the configured client id, or the appspot.com host", () => {
    expect(usesIap({ airflowUri: "https://x-dot-us-central1.composer.googleusercontent.com", composerGeneration: 2 })).toBe(false);
    expect(usesIap({ airflowUri: "https://x-dot-us-central1.composer.googleusercontent.com", composerGeneration: 2 }, "id.apps.googleusercontent.com")).toBe(true);
    expect(usesIap({ airflowUri: "https://abc-tp.appspot.com", composerGeneration: 1 })).toBe(true);
    expect(usesIap({ airflowUri: "https://abc-tp.appspot.com", composerGeneration: null })).toBe(true);
    expect(usesIap({ airflowUri: "https://x.composer.googleusercontent.com", composerGeneration: null })).toBe(false);
  });
});
