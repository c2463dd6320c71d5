"use client";
import { useQuery } from "@tanstack/react-query";
import type { EnvironmentSummary } from "@/lib/monitor/dto";
import { incidentsQuery } from "@/lib/queries";
import { IncidentList } from "./incident-list";
import { UptimeBar } from "./uptime-bar";

/** The environment page's history: 90-day uptime bar and its latest incidents. */
export function EnvironmentHistory({ env }: { env: EnvironmentSummary }) {
  const { data, error } = useQuery(incidentsQuery(`environment=${encodeURIComponent(env.id)}&limit=20`));
  return (
    <>
      <UptimeBar id={env.id} uptime={env.uptime ?? { "24h": null, "7d": null, "30d": null }} />
      <section className="panel" aria-labelledby="incidents-h">
        <h2 id="incidents-h">Incidents</h2>
        {error && !data && <p className="muted">History is not available: {error.message}</p>}
        {data && <IncidentList incidents={data.incidents} />}
      </section>
    </>
  );
}
