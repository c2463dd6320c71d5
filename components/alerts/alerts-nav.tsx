"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { alertsQuery } from "@/lib/queries/alerts";
import { TID } from "@/lib/test-ids";
import { Bell } from "./bell";

/** "Alerts" in the top bar, with the number of firing alerts the viewer may see. */
export function AlertsNav() {
  const { data } = useQuery(alertsQuery("firing"));
  const firing = data?.alerts.length ?? 0;
  return (
    <Link href="/alerts" prefetch={false} className="alerts-nav" data-testid={TID.alertsNav} aria-label={firing ? `Alerts: ${firing} firing` : "Alerts"}>
      Alerts
      {firing > 0 && (
        <span className="alerts-count" data-testid={TID.alertsCount}>
          <Bell /> {firing}
        </span>
      )}
    </Link>
  );
}
