import { Suspense } from "react";
import { guardPage } from "@/lib/server/page-guard";
import { SearchResults } from "@/components/search/search-results";

export default async function SearchPage() {
  await guardPage();
  return (
    <Suspense fallback={null}>
      <SearchResults />
    </Suspense>
  );
}
