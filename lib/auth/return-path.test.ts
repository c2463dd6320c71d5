import { describe, expect, it } from "vitest";
import { cleanedOfCredentials, hasCredentials, safeRedirect, safeReturnPath, withoutCredentials } from "./return-path";

/**
 * Known open-redirect bypasses, as the value reaches the server after one round of URL decoding
 * (what `searchParams.get("callbackUrl")` returns). Each one must come back as "/".
 */
const BYPASSES = [
  "//evil.example",
  "///evil.example",
  "////evil.example",
  "/\\evil.example",
  "/\\\\evil.example",
  "\\\\evil.example",
  "\\/evil.example",
  "/\t/evil.example",
  "/\t\\evil.example",
  "/\n/evil.example",
  "/\r/evil.example",
  "/\r\n/evil.example",
  "\t//evil.example",
  " //evil.example",
  "/ /evil.example",
  "/\u0000/evil.example",
  "/\u000b/evil.example",
  "/\u000c/evil.example",
  "/\u001f/evil.example",
  "/\u007f/evil.example",
  "/\u0085/evil.example",
  "/\u00a0/evil.example",
  "/\\\t/evil.example",
  "/\u2028/evil.example",
  "https://evil.example",
  "http://evil.example/",
  "HTTPS://evil.example",
  "https:evil.example",
  "http:/evil.example",
  "http:\\\\evil.example",
  "//evil.example@board",
  "@evil.example",
  "javascript:alert(1)",
  "JaVaScRiPt:alert(1)",
  "java\tscript:alert(1)",
  "\u0000javascript:alert(1)",
  " javascript:alert(1)",
  "data:text/html,<script>alert(1)</script>",
  "vbscript:msgbox(1)",
  "evil.example",
  "./evil.example",
  "/a/..//evil.example",
  "/a/../\\evil.example",
  "/./\\evil.example",
  "/.//evil.example",
  "/%2e%2e//evil.example",
  "/%2e//evil.example",
  "/\u200b\t/evil.example",
  "",
  "x".repeat(10) + "//evil.example",
  `/${"a".repeat(3000)}`,
];

describe("safeReturnPath", () => {
  it.each(BYPASSES.map((b) => [JSON.stringify(b), b]))("refuses %s", (_, raw) => {
    expect(safeReturnPath(raw)).toBe("/");
  });

  it.each([null, undefined, "/signin", "/signin?callbackUrl=%2Fwall", "/./signin", "/signout", "/api/auth/signout"])("refuses %s (nothing given, or a page that would loop)", (raw) => {
    expect(safeReturnPath(raw)).toBe("/");
  });

  it.each([
    ["/", "/"],
    ["/environments/sales-prod", "/environments/sales-prod"],
    ["/wall?rotate=10&tag=stage%3Aprod", "/wall?rotate=10&tag=stage%3Aprod"],
    ["/environments/x/dags/a.b#runs", "/environments/x/dags/a.b#runs"],
    ["/environments/é", "/environments/%C3%A9"],
    ["/a/../environments", "/environments"],
    ["/@evil.example", "/@evil.example"], // a path on this origin
    // Encoded slashes and tabs stay encoded: a browser treats them as part of one path segment.
    ["/%2F%2Fevil.example", "/%2F%2Fevil.example"],
    ["/%09/evil.example", "/%09/evil.example"],
  ])("keeps the same-origin path %s, its query and fragment, in the parser's own encoding: %s", (raw, kept) => {
    expect(safeReturnPath(raw)).toBe(kept);
  });

  it.each([
    ["/?token=secret", "/"],
    ["/environments/x?TOKEN=secret&a=1&Token=s2", "/environments/x?a=1"],
    ["/wall?rotate=10&token=secret", "/wall?rotate=10"],
  ])("drops display tokens from the query, in any letter case: %s → %s", (raw, kept) => {
    expect(safeReturnPath(raw)).toBe(kept);
  });
});

describe("safeRedirect (next-auth's redirect callback)", () => {
  const base = "http://localhost:3000";
  it("keeps same-origin targets and sends everything else home", () => {
    expect(safeRedirect("/environments/x", base)).toBe(`${base}/environments/x`);
    expect(safeRedirect("/signin", base)).toBe(`${base}/signin`);
    expect(safeRedirect(`${base}/wall?rotate=10`, base)).toBe(`${base}/wall?rotate=10`);
    for (const bad of [...BYPASSES.filter((b) => b.length < 100), "http://localhost:3001/", "http://localhost:3000.evil.example/", `${base}//evil.example`, `${base}/\t/evil.example`]) {
      expect(safeRedirect(bad, base), JSON.stringify(bad)).toBe(`${base}/`);
    }
  });
});

describe("credential parameters", () => {
  it("are found and removed whatever their case, other parameters kept in order", () => {
    const u = new URL("http://h/wall?a=1&token=x&b=2&TOKEN=y");
    expect(hasCredentials(u)).toBe(true);
    expect(withoutCredentials(u).search).toBe("?a=1&b=2");
    expect(hasCredentials(new URL("http://h/wall?tokens=1"))).toBe(false);
  });
});

describe("cleanedOfCredentials", () => {
  const u = (s: string) => new URL(s, "http://h");
  it("removes tokens from the URL and from a return path it carries; null when there are none", () => {
    expect(cleanedOfCredentials(u("/environments/x?a=1"))).toBeNull();
    expect(cleanedOfCredentials(u("/signin?callbackUrl=%2Fenvironments%2Fx%3Fa%3D1"))).toBeNull();
    expect(cleanedOfCredentials(u("/?token=s"))?.href).toBe("http://h/");
    expect(cleanedOfCredentials(u("/signin?callbackUrl=%2Fenvironments%2Fx%3Ftoken%3Ds%26a%3D1"))?.search).toBe("?callbackUrl=%2Fenvironments%2Fx%3Fa%3D1");
    expect(cleanedOfCredentials(u("/signin?token=s&callbackUrl=%2F%3FTOKEN%3Ds"))?.search).toBe("?callbackUrl=%2F");
  });
});
