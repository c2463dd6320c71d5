import { guardPage } from "@/lib/server/page-guard";
import { SearchResults } from "@/components/search/search-results";
import { SearchParamsBoundary } from "@/components/search-params-boundary";

export default async function SearchPage() {
  await guardPage();
  return <SearchParamsBoundary><SearchResults /></SearchParamsBoundary>;
}
