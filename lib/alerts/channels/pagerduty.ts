import { clip, headline, type Notification } from "../notification";

/**
 * An Events API v2 event: `trigger` for firing (and test), `resolve` for resolved, always with the
 * alert id as `dedup_key`. Reminders are not sent: PagerDuty keeps paging on its own.
 */
export function pagerDutyEvent(n: Notification, routingKey: string): object | null {
  const d = n.data;
  if (n.type === "alert.reminder") return null;
  if (n.type === "alert.resolved") return { routing_key: routingKey, event_action: "resolve", dedup_key: d.alertId };
  const severity = n.type === "test" ? "info" : d.status === "unhealthy" || d.status === "unreachable" ? "critical" : "error";
  const links = [{ href: d.url, text: "Flightboard" }];
  if (d.airflowUrl) links.push({ href: d.airflowUrl, text: "Airflow" });
  return {
    routing_key: routingKey,
    event_action: "trigger",
    dedup_key: d.alertId,
    payload: {
      summary: clip(`${headline(n)}${d.reasons.length ? ` (${d.reasons.join("; ")})` : ""}`, 1024),
      source: d.environment.id,
      severity,
      timestamp: d.startedAt,
      component: d.dagId ?? undefined,
      group: d.rule,
      class: d.status,
      custom_details: { environment: d.environment, rule: d.rule, status: d.status, dagId: d.dagId, reasons: d.reasons, startedAt: d.startedAt, url: d.url, airflowUrl: d.airflowUrl },
    },
    links,
  };
}
