import Link from "next/link";
import type { AlertDto } from "@/lib/alerts/dto";
import { TID } from "@/lib/test-ids";
import { Age } from "../age";

const TYPE_WORD: Record<string, string> = { "alert.firing": "firing", "alert.resolved": "resolved", "alert.reminder": "reminder", test: "test" };

function Deliveries({ a }: { a: AlertDto }) {
  if (a.notifications.length === 0) return <span className="muted">{a.muted ? "held (muted)" : a.state === "firing" ? "not sent yet" : "none sent"}</span>;
  return (
    <ul className="deliveries">
      {a.notifications.slice(-6).map((n, i) => (
        <li key={i} className={n.ok ? "delivery-ok" : "delivery-failed"} data-testid={TID.alertDelivery}>
          <strong>{n.channel}</strong> {TYPE_WORD[n.type] ?? n.type}: {n.ok ? "delivered" : `failed (${n.error ?? "unknown"})`} <span className="muted"><Age iso={n.at} suffix=" ago" step={5} /></span>
        </li>
      ))}
    </ul>
  );
}

/** Alerts as cards: subject, rule, status, since, reasons, and what each delivery did. */
export function AlertList({ alerts, onSilence }: { alerts: AlertDto[]; onSilence?: (a: AlertDto) => void }) {
  return (
    <ul className="alert-list">
      {alerts.map((a) => {
        const env = `/environments/${encodeURIComponent(a.environmentId)}`;
        return (
          <li key={a.id} className={`alert-card alert-${a.state}`} data-testid={TID.alertRow} data-alert-id={a.id} data-state={a.state}>
            <div className="alert-head">
              <Link href={a.dagId ? `${env}/dags/${encodeURIComponent(a.dagId)}` : env} prefetch={false} className="alert-subject">
                {a.environmentId}
                {a.dagId && <> / {a.dagId}</>}
              </Link>
              <span className="badge">{a.rule}</span>
              <span className={`badge alert-status`}>{a.state === "firing" ? a.status : "resolved"}</span>
              {a.muted && <span className="badge">muted</span>}
              <span className="muted alert-when">
                {a.state === "firing" ? (
                  <>
                    since <Age iso={a.startedAt} step={5} />
                  </>
                ) : (
                  <>
                    ended <Age iso={a.endedAt} suffix=" ago" step={5} />
                  </>
                )}
              </span>
              {onSilence && a.state === "firing" && (
                <button type="button" className="chip" onClick={() => onSilence(a)} data-testid={TID.alertSilence}>
                  Silence…
                </button>
              )}
            </div>
            {a.reasons.length > 0 && <p className="alert-reasons">{a.reasons.join(" · ")}</p>}
            <Deliveries a={a} />
          </li>
        );
      })}
    </ul>
  );
}
