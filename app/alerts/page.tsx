import type { Metadata } from "next";
import { AlertsView } from "@/components/alerts/alerts-view";
import { guardPage } from "@/lib/server/page-guard";

export const metadata: Metadata = { title: "Alerts" };

export default async function AlertsPage() {
  await guardPage();
  return <AlertsView />;
}
