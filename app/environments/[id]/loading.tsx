import { PageSkeleton } from "@/components/environment/page-states";

export default function Loading() {
  return <PageSkeleton />;
}
