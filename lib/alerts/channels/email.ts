import nodemailer, { type Transporter } from "nodemailer";
import type { ChannelConfig } from "@/lib/config/alerts";
import { headline, plainText, type Notification } from "../notification";
import type { SendResult } from "./http";

type EmailChannel = Extract<ChannelConfig, { type: "email" }>;

const transports = new WeakMap<EmailChannel, Transporter>();

function transportFor(c: EmailChannel): Transporter {
  let t = transports.get(c);
  if (!t) {
    t = nodemailer.createTransport({
      host: c.smtp.host,
      port: c.smtp.port,
      secure: c.smtp.secure,
      auth: c.smtp.username ? { user: c.smtp.username, pass: c.smtp.password?.value ?? "" } : undefined,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
      // Loopback test servers and internal relays may not offer TLS; nodemailer upgrades when they do.
      ignoreTLS: false,
      logger: false,
    });
    transports.set(c, t);
  }
  return t;
}

/** SMTP errors in words; nodemailer's own messages may quote the server's reply, never our password. */
function smtpWords(e: unknown): string {
  const err = e as { code?: string; responseCode?: number };
  if (err.responseCode) return `SMTP ${err.responseCode}`;
  switch (err.code) {
    case "ECONNECTION":
    case "ECONNREFUSED":
      return "connection refused";
    case "ETIMEDOUT":
      return "no answer in time";
    case "EAUTH":
      return "SMTP login rejected";
    case "EENVELOPE":
      return "recipient rejected";
    default:
      return err.code ? `SMTP error (${err.code})` : "SMTP error";
  }
}

export async function sendEmail(c: EmailChannel, n: Notification, deliveryId: string): Promise<SendResult> {
  try {
    await transportFor(c).sendMail({
      from: c.from,
      to: c.to,
      subject: headline(n),
      text: plainText(n),
      messageId: `<${deliveryId}@flightboard>`,
      headers: { "X-Flightboard-Alert-Id": n.data.alertId, "X-Flightboard-Event": n.type },
    });
    return { ok: true, httpStatus: null, error: null };
  } catch (e) {
    return { ok: false, httpStatus: null, error: smtpWords(e) };
  }
}
