import { guardPage } from "@/lib/server/page-guard";
import { requireEnvironment } from "@/lib/server/page-lookup";
import { EnvironmentView } from "@/components/environment/environment-view";

export default async function EnvironmentPage({ params }: { params: Promise<{ id: string }> }) {
  const viewer = await guardPage();
  const id = decodeURIComponent((await params).id);
  await requireEnvironment(viewer, id);
  return <EnvironmentView id={id} />;
}
