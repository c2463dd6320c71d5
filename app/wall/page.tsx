import { guardPage } from "@/lib/server/page-guard";
import { Suspense } from "react";
import { WallView } from "@/components/wall/wall-view";

export default async function WallPage() {
  await guardPage({ wall: true });
  return (
    <Suspense fallback={null}>
      <WallView />
    </Suspense>
  );
}
