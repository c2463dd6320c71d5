import { Suspense } from "react";
import { guardPage } from "@/lib/server/page-guard";
import { requireEnvironment } from "@/lib/server/page-lookup";
import { DagBrowser } from "@/components/environment/dag-browser";

export default async function DagBrowserPage({ params }: { params: Promise<{ id: string }> }) {
  const viewer = await guardPage();
  const id = decodeURIComponent((await params).id);
  await requireEnvironment(viewer, id);
  return (
    <Suspense fallback={null}>
      <DagBrowser id={id} />
    </Suspense>
  );
}
