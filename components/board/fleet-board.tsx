"use client";
import { useQuery } from "@tanstack/react-query";
import { fleetQuery } from "@/lib/queries";
import { useFleetEvents } from "@/lib/queries/use-fleet-events";
import type { EnvironmentStatus, FleetResponse } from "@/lib/monitor/dto";
import { TID } from "@/lib/test-ids";
import { ageSeconds, formatAge } from "../format";
import { StatusBadge } from "../status-badge";
import { useNow } from "../use-now";
import { EnvironmentTile } from "./environment-tile";

const ORDER: EnvironmentStatus[] = ["unhealthy", "unreachable", "unauthorized", "degraded", "unknown", "healthy"];

function SummaryBar({ fleet, now }: { fleet: FleetResponse; now: number }) {
  return (
    <div className="summary-bar" data-testid={TID.summaryBar} aria-label="environments per status">
      <strong>{fleet.environments.length} environments</strong>
      {ORDER.filter((s) => fleet.counts[s] > 0).map((s) => (
        <span key={s} className="count">
          <StatusBadge status={s} /> {fleet.counts[s]}
        </span>
      ))}
      <span className="muted">data as of {formatAge(ageSeconds(fleet.generatedAt, now))} ago</span>
    </div>
  );
}

/** The first board: one tile per environment, worst first, live through SSE with polling behind it. */
export function FleetBoard() {
  const search = "";
  const { data, error, isPending } = useQuery(fleetQuery(search));
  useFleetEvents(search);
  const now = useNow();
  if (isPending) return <p className="muted">Loading the fleet…</p>;
  if (error && !data) {
    return (
      <div className="error-box" role="alert" data-testid={TID.loadError}>
        The board cannot reach its server: {error.message}. Retrying…
      </div>
    );
  }
  return (
    <section data-testid={TID.board}>
      {error && (
        <div className="error-box" role="alert" data-testid={TID.loadError}>
          Lost contact with the server ({error.message}); showing the last data.
        </div>
      )}
      <SummaryBar fleet={data} now={now} />
      <div className="grid">
        {data.environments.map((env) => (
          <EnvironmentTile key={env.id} env={env} now={now} />
        ))}
      </div>
    </section>
  );
}
