import { guardPage } from "@/lib/server/page-guard";
import { EnvironmentView } from "@/components/environment/environment-view";

export default async function EnvironmentPage({ params }: { params: Promise<{ id: string }> }) {
  await guardPage();
  const { id } = await params;
  return <EnvironmentView id={decodeURIComponent(id)} />;
}
