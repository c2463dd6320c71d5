import Link from "next/link";
import { TID } from "@/lib/test-ids";

/** Skeleton of a drill-down page while its data loads. */
export function PageSkeleton() {
  return (
    <div aria-busy="true">
      <p className="sr-only">Loading…</p>
      <div className="skeleton-line" style={{ width: "40%", marginBottom: "1rem" }} aria-hidden="true" />
      <div className="panel skeleton-tile" style={{ height: 180 }} aria-hidden="true" />
      <div className="panel skeleton-tile" style={{ height: 260 }} aria-hidden="true" />
    </div>
  );
}

/** What a missing environment, DAG or page looks like. */
export function NotFoundPanel({ what }: { what: string }) {
  return (
    <div className="notfound" data-testid={TID.notFound}>
      <h1>Not found</h1>
      <p>{what}</p>
      <p>
        <Link href="/">Back to the board</Link>
      </p>
    </div>
  );
}
