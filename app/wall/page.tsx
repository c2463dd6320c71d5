import { Suspense } from "react";
import { WallView } from "@/components/wall/wall-view";

export default async function WallPage() {
  return (
    <Suspense fallback={null}>
      <WallView />
    </Suspense>
  );
}
