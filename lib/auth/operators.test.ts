import { describe, expect, it } from "vitest";
import { disabledAuth } from "@/lib/config/auth";
import { mayAct } from "./operators";
import { authConfig, displayToken, identity } from "./testing/fixtures";

describe("mayAct (contract §12)", () => {
  const auth = authConfig({ operators: { emails: ["op@example.com"], groups: ["oncall"] } });
  const user = (over: Parameters<typeof identity>[0], role: "viewer" | "admin" = "viewer") => ({ kind: "user" as const, role, identity: identity(over) });

  it("admins and operators (global or per environment) act; viewers and display tokens never", () => {
    expect(mayAct(true, auth, user({}, "admin"), undefined)).toEqual({ ok: true, actor: "ann@example.com" });
    expect(mayAct(true, auth, user({ email: "op@example.com" }), undefined).ok).toBe(true);
    expect(mayAct(true, auth, user({ groups: ["oncall"] }), undefined).ok).toBe(true);
    expect(mayAct(true, auth, user({}), undefined).ok).toBe(false);
    expect(mayAct(true, auth, user({}), { groups: [], emails: [], operators: { emails: ["ann@example.com"], groups: [] } }).ok).toBe(true);
    // An unverified address never makes an operator.
    expect(mayAct(true, auth, user({ email: "op@example.com", emailVerified: false }), undefined).ok).toBe(false);
    expect(mayAct(true, auth, { kind: "display", token: displayToken("wall", "x".repeat(40)) }, undefined).ok).toBe(false);
  });

  it("API tokens act by role, recorded by name", () => {
    const token = (role: "viewer" | "operator") => ({ kind: "token" as const, token: { name: "deploy-bot", token: { env: "D", value: "x".repeat(40) }, role, tags: {} } });
    expect(mayAct(true, auth, token("operator"), undefined)).toEqual({ ok: true, actor: "deploy-bot" });
    expect(mayAct(true, auth, token("viewer"), undefined)).toMatchObject({ ok: false, reason: expect.stringMatching(/role viewer/) });
    expect(mayAct(false, auth, token("operator"), undefined).ok).toBe(false);
  });

  it("nobody acts with actions off or authentication disabled", () => {
    expect(mayAct(false, auth, user({}, "admin"), undefined)).toMatchObject({ ok: false, reason: expect.stringMatching(/actions.enabled/) });
    expect(mayAct(true, disabledAuth(true), { kind: "open" }, undefined)).toMatchObject({ ok: false, reason: expect.stringMatching(/authentication is disabled/) });
  });
});
