import { guardPage } from "@/lib/server/page-guard";
import { requireDag } from "@/lib/server/page-lookup";
import { DagView } from "@/components/environment/dag-view";

export default async function DagPage({ params }: { params: Promise<{ id: string; dagId: string }> }) {
  const viewer = await guardPage();
  const p = await params;
  const id = decodeURIComponent(p.id);
  const dagId = decodeURIComponent(p.dagId);
  await requireDag(viewer, id, dagId);
  return <DagView id={id} dagId={dagId} />;
}
