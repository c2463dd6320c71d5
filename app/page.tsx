import { guardPage } from "@/lib/server/page-guard";
import { Suspense } from "react";
import { FleetBoard } from "@/components/board/fleet-board";
import { BoardSkeleton } from "@/components/board/board-skeleton";

export default async function BoardPage() {
  await guardPage();
  return (
    <Suspense fallback={<BoardSkeleton />}>
      <FleetBoard />
    </Suspense>
  );
}
