"use client";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { HistoryPoint } from "@/lib/monitor/dto";
import { historyQuery } from "@/lib/queries";
import { TID } from "@/lib/test-ids";
import { STATUS_LABEL } from "../status-meta";

function pct(up: number | null): string {
  return up === null ? "no data" : `${(Math.round(up * 10_000) / 100).toFixed(2)}% up`;
}

function cellText(p: HistoryPoint): string {
  const day = p.t.slice(0, 10);
  return p.status === null ? `${day}: no data` : `${day}: ${pct(p.up)}, worst ${STATUS_LABEL[p.status].toLowerCase()}`;
}

/**
 * One cell per day for the last 90 days, coloured by the day's worst status (status pages' uptime
 * bar). The figure shows on hover and on keyboard focus; days without data are hatched, not green.
 */
export function UptimeBar({ id, uptime }: { id: string; uptime: { "24h": number | null; "7d": number | null; "30d": number | null } }) {
  const { data, error } = useQuery(historyQuery(id, 90));
  const [focus, setFocus] = useState<HistoryPoint | null>(null);
  const fig = (v: number | null) => (v === null ? "—" : `${v.toFixed(2)}%`);
  return (
    <section className="panel" aria-labelledby="uptime-h" data-testid={TID.uptimeBar}>
      <h2 id="uptime-h">Uptime, last 90 days</h2>
      <dl className="figures uptime-figures">
        <div><dt>24 h</dt><dd>{fig(uptime["24h"])}</dd></div>
        <div><dt>7 days</dt><dd>{fig(uptime["7d"])}</dd></div>
        <div><dt>30 days</dt><dd>{fig(uptime["30d"])}</dd></div>
      </dl>
      {error && !data && <p className="muted">History is not available: {error.message}</p>}
      {data && (
        <>
          <div className="uptime-bar" role="list" aria-label="Daily uptime, oldest first">
            {data.points.map((p) => (
              <span
                key={p.t}
                role="listitem"
                tabIndex={0}
                className={`uptime-cell ${p.status ? `status-${p.status}` : "no-data"}`}
                data-testid={TID.uptimeCell}
                data-status={p.status ?? "none"}
                aria-label={cellText(p)}
                title={cellText(p)}
                onMouseEnter={() => setFocus(p)}
                onFocus={() => setFocus(p)}
                onMouseLeave={() => setFocus(null)}
                onBlur={() => setFocus(null)}
              />
            ))}
          </div>
          <p className="panel-note uptime-caption" aria-live="polite">
            {focus ? cellText(focus) : "90 days ago · hover or focus a day for its figure · today"}
          </p>
        </>
      )}
    </section>
  );
}
