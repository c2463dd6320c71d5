import { describe, expect, it } from "vitest";
import type { Viewer } from "@/lib/auth/policy";
import type { AuthPolicy } from "@/lib/auth/policy-store";
import { authConfig, identity } from "@/lib/auth/testing/fixtures";
import type { EnvironmentConfig } from "@/lib/config/types";
import { snapshotOf } from "@/lib/testing/snapshots";
import { maySee, visibilityFilter, type Access } from "./access";

/** Visibility decisions need only an environment's configuration. */
const environment = (config: Partial<EnvironmentConfig> & { id: string }) => snapshotOf(config);

function access(viewer: Viewer, over: Partial<AuthPolicy> = {}): Access {
  return {
    viewer,
    policy: { auth: authConfig(), environmentAccess: new Map(), discoveryAccess: { mwaa: [], composer: [] }, source: "x", secretValues: [], ...over },
  };
}

const ann: Viewer = { kind: "user", role: "viewer", identity: identity({ groups: ["data"] }) };
const admin: Viewer = { kind: "user", role: "admin", identity: identity() };

describe("environment visibility on the server", () => {
  it("follows the file as it is now for listed environments, else the runtime's own rule", () => {
    const env = environment({ id: "fin", access: { groups: ["data"], emails: [] } });
    expect(maySee(access(ann), env)).toBe(true);
    // The file now restricts it to finance: that wins over what the monitor started with.
    expect(maySee(access(ann, { environmentAccess: new Map([["fin", { groups: ["finance"], emails: [] }]]) }), env)).toBe(false);
    expect(maySee(access(ann, { environmentAccess: new Map([["fin", undefined]]) }), env)).toBe(true);
  });

  it("a discovered environment carries its block's rule; one that arrived without it fails closed", () => {
    const carried = environment({ id: "mwaa-eu-west-1-a", discovered: "mwaa", access: { groups: ["platform"], emails: [] } });
    expect(maySee(access(ann), carried)).toBe(false);
    const bare = environment({ id: "mwaa-eu-west-1-b", discovered: "mwaa" });
    const blocks = { mwaa: [{ groups: ["data"], emails: [] }, { groups: ["platform"], emails: [] }], composer: [] };
    expect(maySee(access(ann, { discoveryAccess: blocks }), bare)).toBe(false);
    expect(maySee(access({ kind: "user", role: "viewer", identity: identity({ groups: ["data", "platform"] }) }, { discoveryAccess: blocks }), bare)).toBe(true);
    expect(maySee(access(ann, { discoveryAccess: { mwaa: [undefined], composer: [] } }), bare)).toBe(true);
    expect(maySee(access(admin, { discoveryAccess: blocks }), bare)).toBe(true);
  });

  it("the shared whole-fleet body is used only when the viewer sees every environment", () => {
    const open = environment({ id: "open" });
    const locked = environment({ id: "locked", access: { groups: [], emails: [] } });
    expect(visibilityFilter(access(ann), [open])).toBeUndefined();
    expect(visibilityFilter(access(admin), [open, locked])).toBeUndefined();
    const filter = visibilityFilter(access(ann), [open, locked]);
    expect(filter).toBeDefined();
    expect([open, locked].filter(filter!).map((env) => env.id)).toEqual(["open"]);
  });
});
