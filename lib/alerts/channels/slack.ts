import { clip, headline, plainText, type Notification } from "../notification";

/** Slack's mrkdwn needs &, < and > escaped; links use <url|label>. */
function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** An incoming-webhook body: `text` (the whole message, plain words) and `blocks`, within Slack's limits. */
export function slackBody(n: Notification): object {
  const d = n.data;
  const fields = [
    `*Environment*\n${esc(d.environment.name)} (\`${esc(d.environment.id)}\`)`,
    `*Rule*\n${esc(d.rule)}`,
    `*Status*\n${esc(d.status)}`,
    `*Started*\n${d.startedAt}${d.endedAt ? `\n*Ended* ${d.endedAt}` : ""}`,
  ];
  if (d.dagId) fields.push(`*DAG*\n\`${esc(d.dagId)}\``);
  const links = [`<${d.url}|Flightboard>`];
  if (d.airflowUrl) links.push(`<${d.airflowUrl}|Airflow>`);
  return {
    // Slack truncates text past 40 000 characters; keep well inside it.
    text: clip(plainText(n), 3900),
    blocks: [
      { type: "header", text: { type: "plain_text", text: clip(headline(n), 150), emoji: false } },
      // A section holds at most 10 fields of at most 2000 characters each.
      { type: "section", fields: fields.slice(0, 10).map((f) => ({ type: "mrkdwn", text: clip(f, 2000) })) },
      ...(d.reasons.length ? [{ type: "section", text: { type: "mrkdwn", text: clip(`*Reasons*\n${d.reasons.map((r) => `• ${esc(r)}`).join("\n")}`, 3000) } }] : []),
      { type: "context", elements: [{ type: "mrkdwn", text: clip(`${links.join(" · ")} · alert \`${d.alertId}\``, 3000) }] },
    ],
  };
}
