import { Webhook } from "standardwebhooks";
import type { ChannelConfig } from "@/lib/config/alerts";
import type { Notification } from "../notification";
import { sendEmail } from "./email";
import { postJson, type SendResult } from "./http";
import { pagerDutyEvent } from "./pagerduty";
import { slackBody } from "./slack";

export type { SendResult } from "./http";

/**
 * Sends one notification to one channel. Never throws; errors come back in words, scrubbed of
 * every secret the channel holds (belt and braces: the senders already avoid quoting them).
 * `deliveryId` is stable across retries (the Standard Webhooks `webhook-id`, the mail's Message-ID).
 */
export async function sendToChannel(c: ChannelConfig, n: Notification, deliveryId: string, now: Date): Promise<SendResult> {
  if (c.disabled) return { ok: false, httpStatus: null, error: `channel disabled: ${c.disabled}` };
  let r: SendResult;
  try {
    r = await send(c, n, deliveryId, now);
  } catch (e) {
    r = { ok: false, httpStatus: null, error: `unexpected failure: ${e instanceof Error ? e.name : "error"}` };
  }
  return r.error ? { ...r, error: scrub(r.error, secretsOf(c)) } : r;
}

async function send(c: ChannelConfig, n: Notification, deliveryId: string, now: Date): Promise<SendResult> {
  switch (c.type) {
    case "slack":
      return postJson(c.url.value!, JSON.stringify(slackBody(n)));
    case "webhook": {
      const body = JSON.stringify(n);
      const signature = new Webhook(c.secret.value!).sign(deliveryId, now, body);
      return postJson(c.url.value!, body, {
        "webhook-id": deliveryId,
        "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
        "webhook-signature": signature,
      });
    }
    case "pagerduty": {
      const event = pagerDutyEvent(n, c.routingKey.value!);
      if (!event) return { ok: true, httpStatus: null, error: null };
      return postJson(c.endpoint, JSON.stringify(event));
    }
    case "email":
      return sendEmail(c, n, deliveryId);
  }
}

function secretsOf(c: ChannelConfig): string[] {
  switch (c.type) {
    case "slack":
      return [c.url.value ?? ""];
    case "webhook":
      return [c.url.value ?? "", c.secret.value ?? ""];
    case "pagerduty":
      return [c.routingKey.value ?? ""];
    case "email":
      return [c.smtp.password?.value ?? ""];
  }
}

function scrub(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join("[secret]");
  return out;
}

/** Whether a channel would send this kind of notification at all (PagerDuty skips reminders). */
export function channelTakes(c: ChannelConfig, type: Notification["type"]): boolean {
  return !(c.type === "pagerduty" && type === "alert.reminder");
}
