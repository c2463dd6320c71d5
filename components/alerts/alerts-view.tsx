"use client";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { alertsQuery } from "@/lib/queries/alerts";
import { TID } from "@/lib/test-ids";
import { ChannelsPanel, SilencesPanel, type SilenceDraft } from "./admin-panels";
import { AlertList } from "./alert-list";

/** `/alerts`: firing first, then recent ones with each delivery's outcome; admins silence and test from here. */
export function AlertsView() {
  const { data, error, isPending } = useQuery(alertsQuery());
  // undefined = no form; null = a blank form; a draft = prefilled from an alert.
  const [draft, setDraft] = useState<SilenceDraft | null | undefined>(undefined);
  if (isPending) return <p className="muted">Loading alerts…</p>;
  if (error || !data) return <div className="error-box" role="alert">Alerts cannot be loaded ({error?.message ?? "no answer"}).</div>;
  const firing = data.alerts.filter((a) => a.state === "firing");
  const recent = data.alerts.filter((a) => a.state === "resolved").slice(0, 100);
  return (
    <section data-testid={TID.alertsPage} className="alerts-page">
      <h1>Alerts</h1>
      <section className="panel" aria-labelledby="firing-h">
        <h2 id="firing-h">Firing ({firing.length})</h2>
        {firing.length === 0 ? (
          <p className="muted">Nothing is firing.</p>
        ) : (
          <AlertList alerts={firing} onSilence={data.admin ? (a) => setDraft({ environmentId: a.environmentId, dagId: a.dagId }) : undefined} />
        )}
      </section>
      {data.admin && <SilencesPanel draft={draft} setDraft={setDraft} />}
      <section className="panel" aria-labelledby="recent-h">
        <h2 id="recent-h">Recent</h2>
        {recent.length === 0 ? <p className="muted">No alert has resolved yet.</p> : <AlertList alerts={recent} />}
      </section>
      {data.admin && <ChannelsPanel channels={data.channels} />}
    </section>
  );
}
