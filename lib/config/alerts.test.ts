import { describe, expect, it } from "vitest";
import { configProblems } from "@/lib/testing/config-problems";
import { parseConfigText } from "./load";

const ENVS = `
environments:
  - id: sales-prod
    tags: { team: sales, stage: prod }
    airflow: { baseUrl: "http://127.0.0.1:1" }
`;

// The contract's §8 example, verbatim.
const CONTRACT = `${ENVS}
alerts:
  channels:
    - { name: data-slack, type: slack, urlEnv: SLACK_WEBHOOK_DATA }
    - { name: ops-hook, type: webhook, urlEnv: OPS_WEBHOOK_URL, secretEnv: OPS_WEBHOOK_SECRET }
    - { name: oncall, type: pagerduty, routingKeyEnv: PD_ROUTING_KEY }
    - name: data-mail
      type: email
      smtp: { host: smtp.example.com, port: 587, username: flightboard, passwordEnv: SMTP_PASSWORD }
      from: flightboard@example.com
      to: [data-team@example.com]
  rules:
    - name: prod-down
      when: { status: [unhealthy, unreachable] }
      for: 120
      environments: { tags: { stage: prod } }
      channels: [data-slack, oncall]
      repeatMinutes: 0
    - name: billing-failing
      when: { failingDags: true }
      dags: { include: ["billing_*"], exclude: ["*_backfill"] }
      channels: [data-slack]
  expectations:
    - { environment: sales-prod, dag: billing_daily, finishBy: "07:00", timezone: Europe/Berlin,
        days: [mon, tue, wed, thu, fri], channels: [data-slack] }
    - { environment: sales-prod, dag: hourly_sync, maxDurationMinutes: 90, channels: [data-slack] }
    - { environment: sales-prod, dag: customer_export, freshnessHours: 26, channels: [data-slack] }
    - { environment: "*", dag: "*", scheduleMissedMinutes: 30, channels: [ops-hook] }
  maintenance:
    - { name: sunday-upgrade, environments: { tags: { team: sales } }, days: [sun], at: "02:00",
        timezone: Europe/Berlin, durationMinutes: 120 }
`;

const ALL_SECRETS = { SLACK_WEBHOOK_DATA: "https://hooks.example/x", OPS_WEBHOOK_URL: "http://h", OPS_WEBHOOK_SECRET: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", PD_ROUTING_KEY: "k", SMTP_PASSWORD: "p" };

const problems = (text: string, env: Record<string, string> = ALL_SECRETS) => configProblems(() => parseConfigText(text, "t.yaml", env));

describe("alerts configuration (contract §8)", () => {
  it("accepts the contract's example and resolves every part", () => {
    const c = parseConfigText(CONTRACT, "t.yaml", ALL_SECRETS);
    const a = c.alerts!;
    expect(a.channels.map((x) => [x.name, x.type, x.disabled])).toEqual([
      ["data-slack", "slack", null],
      ["ops-hook", "webhook", null],
      ["oncall", "pagerduty", null],
      ["data-mail", "email", null],
    ]);
    expect(a.channels[2]).toMatchObject({ endpoint: "https://events.pagerduty.com/v2/enqueue" });
    expect(a.rules[0]).toMatchObject({ name: "prod-down", forSeconds: 120, channels: ["data-slack", "oncall"] });
    expect(a.expectations.map((e) => [e.kind, e.limitMinutes ?? e.finishBy])).toEqual([
      ["finishBy", "07:00"],
      ["maxDuration", 90],
      ["freshness", 26 * 60],
      ["scheduleMissed", 30],
    ]);
    expect(a.maintenance[0]).toMatchObject({ days: ["sun"], at: "02:00", timezone: "Europe/Berlin", durationMinutes: 120 });
    expect(a.warnings).toEqual([]);
  });

  it("an unset secret disables that channel, visibly and without a crash or the secret's value", () => {
    const c = parseConfigText(CONTRACT, "t.yaml", { ...ALL_SECRETS, PD_ROUTING_KEY: "", SLACK_WEBHOOK_DATA: undefined as unknown as string });
    const a = c.alerts!;
    expect(a.channels.find((x) => x.name === "oncall")!.disabled).toMatch(/PD_ROUTING_KEY is not set/);
    expect(a.channels.find((x) => x.name === "ops-hook")!.disabled).toBeNull();
    expect(a.warnings).toEqual([
      'alerts.channels[0].urlEnv: SLACK_WEBHOOK_DATA is not set; channel "data-slack" is disabled',
      'alerts.channels[2].routingKeyEnv: PD_ROUTING_KEY is not set; channel "oncall" is disabled',
    ]);
  });

  it("lists every problem by path: unknown channel, bad time zone, bad glob, bad weekday, no limit", () => {
    const p = problems(`${ENVS}
alerts:
  channels:
    - { name: a, type: slack, urlEnv: A }
    - { name: a, type: sms, urlEnv: A }
  rules:
    - { name: r, when: { failingDags: true }, dags: { include: ["billing_[a"] }, channels: [a, nope] }
    - { name: s, when: { status: [broken] }, channels: [a] }
  expectations:
    - { environment: x, dag: y, finishBy: "7am", timezone: Mars/Olympus, days: [mon, funday], channels: [ghost] }
    - { environment: x, dag: y, channels: [a] }
  maintenance:
    - { name: m, at: "25:00", durationMinutes: 0 }
`);
    expect(p).toEqual(
      expect.arrayContaining([
        "alerts.channels[1].type: must have type slack, webhook, pagerduty or email",
        "alerts.rules[0].dags.include[0]: must be a valid glob",
        "alerts.expectations[0].finishBy: must be a local time HH:MM",
        "alerts.expectations[0].timezone: must be an IANA time zone such as Europe/Berlin",
        "alerts.maintenance[0].at: must be a local time HH:MM",
        "alerts.maintenance[0].durationMinutes: must be positive",
      ]),
    );
    expect(p.some((l) => l.startsWith("alerts.rules[1].when"))).toBe(true);
    expect(p.some((l) => l.startsWith("alerts.expectations[0].days[1]"))).toBe(true);
  });

  it("cross-checks names once the section parses", () => {
    const p = problems(`${ENVS}
alerts:
  channels:
    - { name: a, type: slack, urlEnv: A }
    - { name: a, type: slack, urlEnv: B }
  rules:
    - { name: r, when: { stale: true }, dags: { include: ["x"] }, channels: [a, nope] }
    - { name: r, when: { importErrors: true }, channels: [a] }
  expectations:
    - { environment: x, dag: y, channels: [ghost] }
`);
    expect(p).toEqual([
      'alerts.channels[1].name: duplicate of alerts.channels[0].name "a"',
      'alerts.rules[0].channels[1]: unknown channel "nope"',
      "alerts.rules[0].dags: only for failingDags rules",
      'alerts.rules[1].name: duplicate of alerts.rules[0].name "r"',
      'alerts.expectations[0].channels[0]: unknown channel "ghost"',
      "alerts.expectations[0]: needs one of finishBy, maxDurationMinutes, freshnessHours, scheduleMissedMinutes",
    ]);
  });
});
