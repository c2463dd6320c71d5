import { guardPage } from "@/lib/server/page-guard";
import { HistoryView } from "@/components/history/history-view";
import { SearchParamsBoundary } from "@/components/search-params-boundary";

export default async function HistoryPage() {
  await guardPage();
  return <SearchParamsBoundary><HistoryView /></SearchParamsBoundary>;
}
