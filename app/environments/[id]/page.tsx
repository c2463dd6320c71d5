import { EnvironmentView } from "@/components/environment/environment-view";

export default async function EnvironmentPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <EnvironmentView id={decodeURIComponent(id)} />;
}
