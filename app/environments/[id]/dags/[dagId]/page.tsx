import { guardPage } from "@/lib/server/page-guard";
import { DagView } from "@/components/environment/dag-view";

export default async function DagPage({ params }: { params: Promise<{ id: string; dagId: string }> }) {
  await guardPage();
  const { id, dagId } = await params;
  return <DagView id={decodeURIComponent(id)} dagId={decodeURIComponent(dagId)} />;
}
