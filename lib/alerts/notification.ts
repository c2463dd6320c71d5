/**
 * The one message shape (contract §8, the webhook body). Slack, PagerDuty and email render it;
 * it is stored with each delivery so a retry after a restart sends exactly what was decided.
 */

export type NotificationType = "alert.firing" | "alert.resolved" | "alert.reminder" | "test";

export interface NotificationData {
  alertId: string;
  rule: string;
  environment: { id: string; name: string; tags: Record<string, string> };
  status: string;
  dagId: string | null;
  reasons: string[];
  startedAt: string;
  endedAt: string | null;
  /** Flightboard's page for the subject. */
  url: string;
  /** The Airflow UI page for the subject, when known. */
  airflowUrl: string | null;
}

export interface Notification {
  type: NotificationType;
  timestamp: string;
  data: NotificationData;
}

const WORD: Record<NotificationType, string> = {
  "alert.firing": "FIRING",
  "alert.resolved": "RESOLVED",
  "alert.reminder": "STILL FIRING",
  test: "TEST",
};

/** One line: `[FIRING] prod-down: Sales (prod) unreachable`. */
export function headline(n: Notification): string {
  const d = n.data;
  const subject = d.dagId ? `${d.environment.name} / ${d.dagId}` : d.environment.name;
  return `[${WORD[n.type]}] ${d.rule}: ${subject} ${n.type === "alert.resolved" ? "recovered" : d.status}`;
}

/** The whole message in plain words, one fact per line. */
export function plainText(n: Notification): string {
  const d = n.data;
  const lines = [
    headline(n),
    `Environment: ${d.environment.name} (${d.environment.id})`,
    `Rule: ${d.rule}`,
    d.dagId ? `DAG: ${d.dagId}` : null,
    `Status: ${d.status}`,
    `Started: ${d.startedAt}`,
    d.endedAt ? `Ended: ${d.endedAt}` : null,
    `Flightboard: ${d.url}`,
    d.airflowUrl ? `Airflow: ${d.airflowUrl}` : null,
    `Alert id: ${d.alertId}`,
    // Last, so a channel's size limit cuts reasons rather than links.
    d.reasons.length ? `Reasons: ${d.reasons.join("; ")}` : null,
  ];
  return lines.filter((l): l is string => l !== null).join("\n");
}

/** Cuts to `max` characters with an ellipsis (channels have size limits). */
export function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}
