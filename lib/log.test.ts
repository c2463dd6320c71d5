import { describe, expect, it } from "vitest";
import { safePath } from "./log";

describe("request log paths", () => {
  it("keep the path and the query's keys, never its values (display tokens travel in ?token=)", () => {
    expect(safePath("/wall?token=s3cret&x=1")).toBe("/wall?token=…&x=…");
    expect(safePath("/api/v1/fleet")).toBe("/api/v1/fleet");
    expect(safePath("/a?%74oken=s3cret")).not.toContain("s3cret");
  });
});
