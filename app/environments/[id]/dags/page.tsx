import { guardPage } from "@/lib/server/page-guard";
import { requireEnvironment } from "@/lib/server/page-lookup";
import { DagBrowser } from "@/components/environment/dag-browser";
import { SearchParamsBoundary } from "@/components/search-params-boundary";

export default async function DagBrowserPage({ params }: { params: Promise<{ id: string }> }) {
  const viewer = await guardPage();
  const id = decodeURIComponent((await params).id);
  await requireEnvironment(viewer, id);
  return <SearchParamsBoundary><DagBrowser id={id} /></SearchParamsBoundary>;
}
