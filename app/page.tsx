import { Suspense } from "react";
import { FleetBoard } from "@/components/board/fleet-board";
import { BoardSkeleton } from "@/components/board/board-skeleton";

export default async function BoardPage() {
  return (
    <Suspense fallback={<BoardSkeleton />}>
      <FleetBoard />
    </Suspense>
  );
}
