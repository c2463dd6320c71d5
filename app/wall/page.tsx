import { guardPage } from "@/lib/server/page-guard";
import { WallView } from "@/components/wall/wall-view";
import { SearchParamsBoundary } from "@/components/search-params-boundary";

export default async function WallPage() {
  await guardPage({ wall: true });
  return <SearchParamsBoundary><WallView /></SearchParamsBoundary>;
}
