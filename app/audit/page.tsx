import type { Metadata } from "next";
import { AuditView } from "@/components/audit/audit-view";
import { guardPage } from "@/lib/server/page-guard";
import { SearchParamsBoundary } from "@/components/search-params-boundary";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditPage() {
  await guardPage();
  return <SearchParamsBoundary><AuditView /></SearchParamsBoundary>;
}
