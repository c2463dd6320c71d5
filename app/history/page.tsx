import { Suspense } from "react";
import { guardPage } from "@/lib/server/page-guard";
import { HistoryView } from "@/components/history/history-view";

export default async function HistoryPage() {
  await guardPage();
  return (
    <Suspense fallback={null}>
      <HistoryView />
    </Suspense>
  );
}
