"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
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

/**
 * The 404 panel of /environments/… pages (Next.js gives not-found files no params, so the address
 * says what was missing). Hidden environments read exactly like missing ones.
 */
export function NotFoundHere() {
  const parts = (usePathname() ?? "").split("/").filter(Boolean).map(safeDecode);
  const [, id, section, dagId] = parts;
  if (section === "dags" && dagId) return <NotFoundPanel what={`No DAG “${dagId}” in the environment “${id}”.`} />;
  if (id) return <NotFoundPanel what={`No environment with the id “${id}” is configured.`} />;
  return <NotFoundPanel what="There is no page at this address." />;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
