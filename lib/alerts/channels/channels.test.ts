import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChannelConfig } from "@/lib/config/alerts";
import type { Notification } from "../notification";
import { pagerDutyReceiver, slackReceiver, smtpReceiver, webhookReceiver, type HttpReceiver, type SmtpReceiver } from "../testing/receivers";
import { sendToChannel } from "./index";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const ROUTING = "R0UT1NGKEYabcdef0123456789abcdef";

const n = (type: Notification["type"], over: Partial<Notification["data"]> = {}): Notification => ({
  type,
  timestamp: "2026-06-01T12:00:00Z",
  data: {
    alertId: "al_1",
    rule: "prod-down",
    environment: { id: "sales-prod", name: "Sales <prod> & co", tags: { stage: "prod" } },
    status: "unreachable",
    dagId: null,
    reasons: ["connection refused"],
    startedAt: "2026-06-01T11:58:00Z",
    endedAt: type === "alert.resolved" ? "2026-06-01T12:10:00Z" : null,
    url: "http://board.test/environments/sales-prod",
    airflowUrl: "http://airflow.test",
    ...over,
  },
});

const sec = (env: string, value: string | undefined) => ({ env, value });
let hook: HttpReceiver, slack: HttpReceiver, pd: HttpReceiver, smtp: SmtpReceiver;

beforeAll(async () => {
  [hook, slack, pd, smtp] = await Promise.all([webhookReceiver(SECRET), slackReceiver(), pagerDutyReceiver(ROUTING), smtpReceiver("flightboard", "smtp-pass-123")]);
});
afterAll(async () => {
  await Promise.all([hook.close(), slack.close(), pd.close(), smtp.close()]);
});

describe("channels against real receivers on loopback", () => {
  it("webhook: the contract's JSON, signed per Standard Webhooks, verified by the receiver", async () => {
    const c: ChannelConfig = { name: "ops", type: "webhook", url: sec("U", hook.url), secret: sec("S", SECRET), disabled: null };
    const r = await sendToChannel(c, n("alert.firing"), "msg_abc", new Date());
    expect(r).toEqual({ ok: true, httpStatus: 204, error: null });
    expect(hook.received).toHaveLength(1);
    expect(hook.received[0]!.headers["webhook-id"]).toBe("msg_abc");
    expect(hook.received[0]!.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/=]+$/);
    expect(hook.received[0]!.body).toEqual(n("alert.firing"));
    // A wrong secret is refused by the receiver: the signature is real.
    const wrong = await sendToChannel({ ...c, secret: sec("S", "whsec_" + Buffer.from("another secret key").toString("base64")) }, n("alert.firing"), "msg_x", new Date());
    expect(wrong).toMatchObject({ ok: false, httpStatus: 401, error: "HTTP 401" });
  });

  it("slack: text with the whole message and blocks within Slack's limits, escaped", async () => {
    const c: ChannelConfig = { name: "s", type: "slack", url: sec("U", slack.url), disabled: null };
    const long = n("alert.firing", { reasons: Array.from({ length: 300 }, (_, i) => `reason ${i} ${"x".repeat(30)}`) });
    expect(await sendToChannel(c, long, "msg_1", new Date())).toMatchObject({ ok: true });
    const body = slack.received[0]!.body as { text: string; blocks: { type: string; text?: { text: string } }[] };
    expect(body.text.length).toBeLessThanOrEqual(3900);
    expect(body.text).toContain("Environment: Sales <prod> & co (sales-prod)");
    expect(body.text).toContain("Flightboard: http://board.test/environments/sales-prod");
    expect(body.text).toContain("Airflow: http://airflow.test");
    expect(JSON.stringify(body.blocks)).toContain("Sales &lt;prod&gt; &amp; co");
    expect(slack.rejected).toEqual([]);
  });

  it("pagerduty: trigger then resolve with the alert id as dedup_key; reminders are not sent", async () => {
    const c: ChannelConfig = { name: "p", type: "pagerduty", routingKey: sec("K", ROUTING), endpoint: pd.url, disabled: null };
    await sendToChannel(c, n("alert.firing"), "m1", new Date());
    await sendToChannel(c, n("alert.reminder"), "m2", new Date());
    await sendToChannel(c, n("alert.resolved"), "m3", new Date());
    const events = pd.received.map((r) => r.body as { event_action: string; dedup_key: string; payload?: { severity: string } });
    expect(events.map((e) => [e.event_action, e.dedup_key])).toEqual([
      ["trigger", "al_1"],
      ["resolve", "al_1"],
    ]);
    expect(events[0]!.payload!.severity).toBe("critical");
  });

  it("email: a mail over SMTP with login, naming environment, rule, status, reasons and links", async () => {
    const c: ChannelConfig = {
      name: "m",
      type: "email",
      smtp: { host: "127.0.0.1", port: smtp.port, secure: false, username: "flightboard", password: sec("P", "smtp-pass-123") },
      from: "flightboard@example.com",
      to: ["data-team@example.com"],
      disabled: null,
    };
    expect(await sendToChannel(c, n("alert.resolved"), "msg_mail", new Date())).toMatchObject({ ok: true });
    expect(smtp.mails).toHaveLength(1);
    const m = smtp.mails[0]!;
    expect(m.to).toEqual(["data-team@example.com"]);
    expect(m.raw).toMatch(/Subject: \[RESOLVED\] prod-down: Sales <prod> & co recovered/);
    expect(m.raw).toContain("Reasons: connection refused");
    expect(m.raw).toContain("Airflow: http://airflow.test");
    const bad = await sendToChannel({ ...c, smtp: { ...c.smtp, password: sec("P", "wrong-password") } }, n("alert.firing"), "msg_m2", new Date());
    expect(bad.ok).toBe(false);
    expect(bad.error).not.toContain("wrong-password");
  });

  it("failures come back in words without the secret URL; a disabled channel says why", async () => {
    const dead = "http://127.0.0.1:9/services/T000/B000/SECRETTOKEN";
    const r = await sendToChannel({ name: "s", type: "slack", url: sec("U", dead), disabled: null }, n("alert.firing"), "m", new Date());
    expect(r.ok).toBe(false);
    expect(r.error).not.toContain("SECRETTOKEN");
    expect(r.error).toMatch(/connection refused|network error/);
    const off = await sendToChannel({ name: "s", type: "slack", url: sec("SLACK_URL", undefined), disabled: "SLACK_URL is not set" }, n("test"), "m", new Date());
    expect(off).toEqual({ ok: false, httpStatus: null, error: "channel disabled: SLACK_URL is not set" });
  });
});
