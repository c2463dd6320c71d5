"use client";
import Link from "next/link";
import type { IncidentDto } from "@/lib/monitor/dto";
import { TID } from "@/lib/test-ids";
import { DataTable } from "../data-table";
import { formatAge } from "../format";
import { StatusBadge } from "../status-badge";

/** "Dec 6, 14:02 UTC": times are shown in UTC, as the API gives them, so every viewer reads the same. */
const TIME = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: "UTC" });

export function formatTime(iso: string): string {
  return `${TIME.format(new Date(iso))} UTC`;
}

/** Incidents as a table: status, start, duration (or "ongoing"), reasons; optionally the environment. */
export function IncidentList({ incidents, showEnvironment, names }: { incidents: IncidentDto[]; showEnvironment?: boolean; names?: Map<string, string> }) {
  if (incidents.length === 0) return <p className="muted">No incidents in this window.</p>;
  return (
    <DataTable columns={[...(showEnvironment ? ["Environment"] : []), "Worst status", "Started", "Duration", "Reasons"]} className="table incident-table" testId={TID.incidentList}>
      {incidents.map((i) => (
        <tr key={i.id} data-testid={TID.incidentRow} data-incident-id={i.id} data-open={i.endedAt === null}>
          {showEnvironment && (
            <td>
              <Link href={`/environments/${encodeURIComponent(i.environmentId)}`} prefetch={false}>
                {names?.get(i.environmentId) ?? i.environmentId}
              </Link>
            </td>
          )}
          <td>
            <StatusBadge status={i.status} />
          </td>
          <td>{formatTime(i.startedAt)}</td>
          <td>{i.endedAt === null ? <strong>ongoing, {formatAge(i.durationS)}</strong> : formatAge(i.durationS)}</td>
          <td className="incident-reasons">{i.reasons.join("; ")}</td>
        </tr>
      ))}
    </DataTable>
  );
}
