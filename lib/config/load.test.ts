import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { configProblems } from "@/lib/testing/config-problems";
import { loadConfigFile, parseConfigText, resolveConfigPath } from "./load";

const problems = (text: string) => configProblems(() => parseConfigText(text, "test.yaml", {}));

describe("configuration (contract §1–2)", () => {
  it("accepts the contract's example and fills defaults", () => {
    const c = parseConfigText(
      `
timeoutSeconds: 10
environments:
  - id: sales-prod
    name: Sales (prod)
    tags: { team: sales, stage: prod }
    airflow:
      baseUrl: https://airflow.internal.example.com/prefix/
      auth: { type: basic, username: monitor, passwordEnv: SALES_AIRFLOW_PASSWORD }
  - id: m
    mwaa: { environmentName: sales-prod, region: eu-west-1, roleArn: "arn:aws:iam::123456789012:role/flightboard-read" }
  - id: c
    composer: { project: my-project, location: us-central1, environment: marketing-prod }
discovery:
  mwaa: [{ regions: [eu-west-1, us-east-1], tags: { stage: prod } }]
`,
      "x",
      { SALES_AIRFLOW_PASSWORD: "s3cret", AWS_ENDPOINT_URL: "http://127.0.0.1:4566" },
    );
    expect(c.refresh).toEqual({ health: 30, runs: 60, dags: 300 });
    expect(c.environments[0]).toMatchObject({
      name: "Sales (prod)",
      target: { kind: "airflow", baseUrl: "https://airflow.internal.example.com/prefix", apiVersion: "auto", auth: { type: "basic", password: { env: "SALES_AIRFLOW_PASSWORD", value: "s3cret" } } },
    });
    expect(c.environments[1]).toMatchObject({ name: "m", target: { kind: "mwaa", access: "web-login", endpoint: "http://127.0.0.1:4566" } });
    expect(c.environments[2].target).toMatchObject({ apiEndpoint: "https://composer.googleapis.com" });
    expect(c.discovery.mwaa[0]).toMatchObject({ access: "web-login", regions: ["eu-west-1", "us-east-1"] });
  });

  it("accepts access: cli for mwaa environments and discovery blocks, and names the choices otherwise", () => {
    const c = parseConfigText(
      "environments:\n  - id: old\n    mwaa: { environmentName: legacy, region: eu-west-1, access: cli }\ndiscovery:\n  mwaa: [{ regions: [us-east-1], access: cli }]\n",
      "x",
      {},
    );
    expect(c.environments[0].target).toMatchObject({ kind: "mwaa", access: "cli" });
    expect(c.discovery.mwaa[0]).toMatchObject({ access: "cli" });
    expect(problems("environments:\n  - id: old\n    mwaa: { environmentName: legacy, region: eu-west-1, access: shell }\n").join("\n")).toBe(
      "environments[0].mwaa.access: must be one of web-login, rest-api, cli",
    );
  });

  it("keeps an unset secret as a named, valueless reference (the server still starts)", () => {
    const c = parseConfigText("environments:\n  - id: a\n    airflow: { baseUrl: 'http://a', auth: { type: bearer, tokenEnv: A_TOKEN } }", "x", {});
    expect(c.environments[0].target).toMatchObject({ auth: { type: "bearer", token: { env: "A_TOKEN", value: undefined } } });
  });

  it("lists every problem by path", () => {
    expect(
      problems(`
refresh: { health: 2, dags: 10 }
timeoutSeconds: 0
environments:
  - id: Sales_Prod
    airflow: { baseUrl: ftp://x, auth: { type: basic } }
  - id: b
    mwaa: { environmentName: b }
  - id: b
    airflow: { baseUrl: "http://b" }
    composer: { project: p, location: l, environment: e }
  - id: d
    tags: { team: 5 }
  - id: e
    airflow: { baseUrl: "http://e", apiVersion: v3, auth: { type: magic } }
    color: red
`),
    ).toEqual([
      "refresh.health: must be at least 5 seconds",
      "refresh.dags: must be at least 30 seconds",
      "timeoutSeconds: must be positive",
      "environments[0].id: must match ^[a-z0-9][a-z0-9-]{0,62}$",
      "environments[0].airflow.baseUrl: must be an http(s) URL",
      "environments[0].airflow.auth.username: required",
      "environments[0].airflow.auth.passwordEnv: required",
      "environments[1].mwaa.region: required",
      "environments[2]: has airflow and composer; needs exactly one of airflow, mwaa, composer",
      "environments[2].id: duplicate of environments[1].id \"b\"",
      "environments[3].tags.team: must be string",
      "environments[3]: needs exactly one of airflow, mwaa, composer",
      "environments[4].airflow.apiVersion: must be one of auto, v1, v2",
      "environments[4].airflow.auth.type: must have type none, basic, bearer or jwt",
      "environments[4].color: unknown key",
    ]);
  });

  it("suggests the key a typo meant, only among keys valid in that place", () => {
    expect(
      problems(`
refesh: { helth: 10 }
environments:
  - id: a
    airflow: { bseUrl: "http://a", auth: { type: basic, usrname: u, passwordEnv: P } }
    tgas: { team: x }
    colour: red
`),
    ).toEqual([
      'refesh: unknown key; did you mean "refresh"?',
      "environments[0].airflow.baseUrl: required",
      "environments[0].airflow.auth.username: required",
      'environments[0].airflow.auth.usrname: unknown key; did you mean "username"?',
      'environments[0].airflow.bseUrl: unknown key; did you mean "baseUrl"?',
      'environments[0].tgas: unknown key; did you mean "tags"?',
      "environments[0].colour: unknown key",
    ]);
  });

  it("refuses a file with no environments and no discovery, but not one that discovers", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "fb-"));
    const empty = path.join(dir, "empty.yaml");
    writeFileSync(empty, "environments: []\n");
    expect(() => loadConfigFile(empty, {})).toThrow(/environments: no environments and no discovery configured/);
    const discovers = path.join(dir, "discovers.yaml");
    writeFileSync(discovers, "auth: { mode: disabled }\ndiscovery:\n  mwaa: [{ regions: [eu-west-1] }]\n");
    expect(loadConfigFile(discovers, {}).environments).toEqual([]);
  });

  it("reports YAML syntax errors with line, column and the offending line, and a non-mapping root", () => {
    expect(problems("refresh:\n  health: 10\n runs: 20\n")).toEqual([
      "(file) line 3, column 1: All mapping items must start at the same column\n    3 |  runs: 20\n        ^",
    ]);
    expect(problems("environments:\n  - id: a\n    airflow: { baseUrl: http://a\n  - id: b\n")[0]).toBe(
      "(file) line 4, column 3: Flow map in block collection must be sufficiently indented and end with a }\n    4 |   - id: b\n          ^",
    );
    expect(problems("environments: [")[0]).toMatch(/^\(file\) line 1, column \d+: .*\n    1 \| environments: \[\n/);
    expect(problems("- 1\n- 2")).toEqual(["(root): must be a mapping with an environments list"]);
  });

  it("finds the file: FLIGHTBOARD_CONFIG, else ./flightboard.yaml, else demo mode", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "fb-"));
    expect(resolveConfigPath({}, dir)).toBeNull();
    writeFileSync(path.join(dir, "flightboard.yaml"), "environments: []\n");
    expect(resolveConfigPath({}, dir)).toBe(path.join(dir, "flightboard.yaml"));
    expect(resolveConfigPath({ FLIGHTBOARD_CONFIG: "other.yaml" }, dir)).toBe(path.join(dir, "other.yaml"));
  });

  it("stops before listening with one line per problem and a non-zero exit", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "fb-"));
    const file = path.join(dir, "bad.yaml");
    writeFileSync(file, "environments:\n  - id: x\n    mwaa: { environmentName: x }\n  - id: y\n");
    const r = spawnSync(process.execPath, ["--import", "tsx", path.resolve("scripts/prestart.ts")], {
      env: { ...process.env, FLIGHTBOARD_CONFIG: file },
      encoding: "utf8",
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("environments[0].mwaa.region: required\n");
    expect(r.stderr).toContain("environments[1]: needs exactly one of airflow, mwaa, composer\n");
    expect(r.stdout).toBe("");
  });

  it("stops with exit code 2 on an empty fleet and on a YAML syntax error, naming the line", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "fb-"));
    const run = (text: string) => {
      const file = path.join(dir, "c.yaml");
      writeFileSync(file, text);
      return spawnSync(process.execPath, ["--import", "tsx", path.resolve("scripts/prestart.ts")], { env: { ...process.env, FLIGHTBOARD_CONFIG: file }, encoding: "utf8" });
    };
    const empty = run("environments: []\n");
    expect(empty.status).toBe(2);
    expect(empty.stderr).toContain("there would be nothing to monitor");
    const broken = run("environments:\n  - id: a\n    airflow: { baseUrl: http://a\n  - id: b\n");
    expect(broken.status).toBe(2);
    expect(broken.stderr).toMatch(/\(file\) line \d+, column \d+: /);
  });
});
