import type { Metadata } from "next";
import { Suspense } from "react";
import { AuditView } from "@/components/audit/audit-view";
import { guardPage } from "@/lib/server/page-guard";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditPage() {
  await guardPage();
  return (
    <Suspense fallback={null}>
      <AuditView />
    </Suspense>
  );
}
