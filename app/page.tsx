import { FleetBoard } from "@/components/board/fleet-board";

export default function BoardPage() {
  return <FleetBoard />;
}
