import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { configProblems } from "@/lib/testing/config-problems";
import { loadConfigFile, parseConfigText, validateConfig } from "./load";

const SECRET = "s".repeat(40);
const ENVS = "environments:\n  - id: a\n    airflow: { baseUrl: 'http://a' }\n";
const GOOD_AUTH = `
auth:
  url: https://board.example.com/
  providers:
    oidc: { issuer: "https://login.example.com/realms/x/", clientId: flightboard }
  viewers: { emailDomains: [Example.COM] }
`;
const GOOD_ENV = { FLIGHTBOARD_AUTH_SECRET: SECRET, FLIGHTBOARD_OIDC_CLIENT_SECRET: "client-secret-value" };

function writeConfig(text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "fb-auth-")), "flightboard.yaml");
  writeFileSync(file, text);
  return file;
}

describe("auth configuration", () => {
  it("is on by default for a configuration file, and refuses to start without its settings", () => {
    const file = writeConfig(ENVS);
    expect(configProblems(() => loadConfigFile(file, {}))).toEqual([
      "auth.url: required: the board's public origin (e.g. https://flightboard.example.com), or set NEXTAUTH_URL",
      "auth.secretEnv: FLIGHTBOARD_AUTH_SECRET is not set; it must hold a random value of at least 32 characters (e.g. `openssl rand -base64 48`)",
      "auth.providers: configure at least one of oidc, github, google (or set auth.mode: disabled)",
      "auth.viewers: say who may sign in: emailDomains, emails, groups, or anyone: true",
    ]);
  });

  it("is off in demo mode and for hand-built configurations, and off only explicitly for files", () => {
    expect(validateConfig({ environments: [] }, "demo", {}).auth).toMatchObject({ mode: "disabled", explicit: false });
    const file = writeConfig(`${ENVS}auth: { mode: disabled }\n`);
    expect(loadConfigFile(file, {}).auth).toMatchObject({ mode: "disabled", explicit: true });
  });

  it("resolves a complete section: secrets by variable name, defaults, normalized lists", () => {
    const c = parseConfigText(`${ENVS}${GOOD_AUTH}`, "x", GOOD_ENV, { authDefault: "enabled" });
    expect(c.auth).toMatchObject({
      mode: "enabled",
      url: "https://board.example.com",
      secret: { env: "FLIGHTBOARD_AUTH_SECRET", value: SECRET },
      sessionHours: 12,
      viewers: { anyone: false, emailDomains: ["example.com"], emails: [], groups: [] },
      providers: [
        {
          type: "oidc",
          issuer: "https://login.example.com/realms/x",
          clientId: "flightboard",
          clientSecret: { env: "FLIGHTBOARD_OIDC_CLIENT_SECRET", value: "client-secret-value" },
          groupsClaim: "groups",
          scopes: ["openid", "email", "profile"],
        },
      ],
      displayTokens: [],
      displayCookieDays: 365,
    });
    // NEXTAUTH_URL stands in for auth.url.
    const viaEnv = parseConfigText(`${ENVS}${GOOD_AUTH.replace("  url: https://board.example.com/\n", "")}`, "x", { ...GOOD_ENV, NEXTAUTH_URL: "http://localhost:3000" });
    expect(viaEnv.auth?.url).toBe("http://localhost:3000");
  });

  it("reads per-environment access and discovery's environmentAccess", () => {
    const c = parseConfigText(
      `environments:
  - id: fin
    access: { groups: [finance], emails: [Boss@Example.com] }
    airflow: { baseUrl: 'http://a' }
  - id: open
    airflow: { baseUrl: 'http://b' }
discovery:
  mwaa: [{ regions: [eu-west-1], environmentAccess: { groups: [platform] } }]
`,
      "x",
      {},
    );
    expect(c.environments.map((e) => e.access)).toEqual([{ groups: ["finance"], emails: ["boss@example.com"] }, undefined]);
    expect(c.discovery.mwaa[0].environmentAccess).toEqual({ groups: ["platform"], emails: [] });
  });

  it("lists every auth problem by path, with names of variables but never their values", () => {
    const text = `${ENVS}
auth:
  url: https://board.example.com/app
  secretEnv: MY_SECRET
  sessionHours: 0
  providers:
    oidc: { issuer: "http://login.example.com", clientId: "" }
    github: { clientId: gh }
    okta: {}
  viewers: { anyone: true, emailDomains: ["@example.com"] }
  displayTokens:
    - { name: lobby, tokenEnv: LOBBY_TOKEN }
    - { name: lobby, tokenEnv: OTHER_TOKEN, tags: { stage: prod } }
    - { name: Bad Name, tokenEnv: "1X" }
`;
    const env = { MY_SECRET: "short-secret-value", LOBBY_TOKEN: "tiny", OTHER_TOKEN: "t".repeat(40) };
    const problems = configProblems(() => parseConfigText(text, "x", env));
    expect(problems).toEqual([
      "auth.url: must be the board's origin, e.g. https://flightboard.example.com (no path)",
      "auth.sessionHours: must be at least 0.25",
      "auth.providers.oidc.issuer: must be an https URL (http only on localhost)",
      "auth.providers.oidc.clientId: must not be empty",
      "auth.providers.okta: unknown key",
      "auth.viewers.emailDomains[0]: must be a domain such as example.com (no @)",
      "auth.displayTokens[2].name: must match ^[a-z0-9][a-z0-9-]{0,62}$",
      "auth.displayTokens[2].tokenEnv: must be an environment variable name",
    ]);
    // Once the shapes are right, the checks that need the environment follow.
    const shaped = `${ENVS}
auth:
  url: https://board.example.com
  secretEnv: MY_SECRET
  providers: { github: { clientId: gh } }
  viewers: { anyone: true }
  displayTokens:
    - { name: lobby, tokenEnv: LOBBY_TOKEN }
    - { name: lobby, tokenEnv: OTHER_TOKEN }
`;
    const more = configProblems(() => parseConfigText(shaped, "x", env));
    expect(more).toEqual([
      "auth.secretEnv: MY_SECRET is too short; it must hold a random value of at least 32 characters (e.g. `openssl rand -base64 48`)",
      "auth.providers.github.clientSecretEnv: FLIGHTBOARD_GITHUB_CLIENT_SECRET is not set",
      "auth.viewers.anyone: not with the github provider (anyone with a GitHub account could sign in); list emails or emailDomains",
      "auth.displayTokens[0].tokenEnv: LOBBY_TOKEN is too short; use at least 32 random characters",
      "auth.displayTokens[1].name: duplicate of auth.displayTokens[0].name \"lobby\"",
    ]);
    for (const line of [...problems, ...more]) for (const value of Object.values(env)) expect(line).not.toContain(value);
  });

  it("reports auth problems together with the rest of the file's problems", () => {
    const problems = configProblems(() => parseConfigText("environments:\n  - id: Bad\n    airflow: { baseUrl: 'http://a' }\nauth: { providers: {} }\n", "x", {}));
    expect(problems).toContain("environments[0].id: must match ^[a-z0-9][a-z0-9-]{0,62}$");
    expect(problems).toContain("auth.providers: configure at least one of oidc, github, google (or set auth.mode: disabled)");
  });

  it("an unset display token variable disables that token without stopping the server", () => {
    const c = parseConfigText(`${ENVS}${GOOD_AUTH}  displayTokens: [{ name: lobby, tokenEnv: LOBBY_TOKEN, tags: { stage: prod } }]\n`, "x", GOOD_ENV);
    expect(c.auth?.displayTokens).toEqual([{ name: "lobby", token: { env: "LOBBY_TOKEN", value: undefined }, tags: { stage: "prod" }, groups: [] }]);
  });

  it("API tokens: every problem by path, values never in a problem, resolved with role and tags", () => {
    const D = "d".repeat(40);
    const env = { ...GOOD_ENV, DEPLOY: "x".repeat(40), CI: "short-token", SAME: D, LOBBY: D };
    const text = `${ENVS}${GOOD_AUTH}  displayTokens: [{ name: lobby, tokenEnv: LOBBY }]
  apiTokens:
    - { name: deploy-bot, tokenEnv: DEPLOY, role: operator, tags: { team: sales } }
    - { name: deploy-bot, tokenEnv: CI, role: viewer }
    - { name: Bad, tokenEnv: "1X", role: admin, secret: x }
    - { name: ok, tokenEnv: SAME, role: viewer }
    - { name: copy, tokenEnv: DEPLOY, role: viewer }
`;
    const shapes = configProblems(() => parseConfigText(text, "x", env));
    expect(shapes).toEqual([
      "auth.apiTokens[2].name: must match ^[a-z0-9][a-z0-9-]{0,62}$",
      "auth.apiTokens[2].tokenEnv: must be an environment variable name",
      "auth.apiTokens[2].role: must be one of viewer, operator",
      "auth.apiTokens[2].secret: unknown key",
    ]);
    const fixed = text.replace(`    - { name: Bad, tokenEnv: "1X", role: admin, secret: x }\n`, "");
    const problems = configProblems(() => parseConfigText(fixed, "x", env));
    expect(problems).toEqual([
      "auth.apiTokens[1].name: duplicate of auth.apiTokens[0].name \"deploy-bot\"",
      "auth.apiTokens[1].tokenEnv: CI is too short; use at least 32 random characters",
      "auth.apiTokens[2].tokenEnv: SAME holds the same value as auth.displayTokens[0]; give every token its own value",
      "auth.apiTokens[3].tokenEnv: DEPLOY holds the same value as auth.apiTokens[0]; give every token its own value",
    ]);
    for (const line of [...shapes, ...problems]) for (const v of [env.DEPLOY, env.CI, D]) expect(line).not.toContain(v);
    const c = parseConfigText(`${ENVS}${GOOD_AUTH}  apiTokens: [{ name: deploy-bot, tokenEnv: DEPLOY, role: operator, tags: { team: sales } }, { name: off, tokenEnv: UNSET, role: viewer }]\n`, "x", env);
    expect(c.auth?.apiTokens).toEqual([
      { name: "deploy-bot", token: { env: "DEPLOY", value: env.DEPLOY }, role: "operator", tags: { team: "sales" } },
      { name: "off", token: { env: "UNSET", value: undefined }, role: "viewer", tags: {} },
    ]);
  });

  it("npm start refuses a file without auth settings before listening, naming each problem", () => {
    const file = writeConfig(ENVS);
    const env: NodeJS.ProcessEnv = { ...process.env, FLIGHTBOARD_CONFIG: file };
    for (const k of ["FLIGHTBOARD_AUTH_SECRET", "NEXTAUTH_URL", "FLIGHTBOARD_OIDC_CLIENT_SECRET"]) delete env[k];
    const r = spawnSync(process.execPath, ["--import", "tsx", path.resolve("scripts/prestart.ts")], { env, encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("auth.secretEnv: FLIGHTBOARD_AUTH_SECRET is not set");
    expect(r.stderr).toContain("auth.providers: configure at least one of oidc, github, google");
  });
});
