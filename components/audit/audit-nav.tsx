"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { fetchJson } from "@/lib/queries/fetch-json";

/** "Audit" in the top bar, for admins (who read the whole log); asked once per page load. */
export function AuditNav() {
  const { data } = useQuery({
    queryKey: ["me"],
    queryFn: ({ signal }) => fetchJson<{ kind: string; role?: string }>("/api/v1/me", signal),
    staleTime: 5 * 60_000,
    retry: false,
  });
  if (data?.kind !== "user" || data.role !== "admin") return null;
  return (
    <Link href="/audit" prefetch={false} data-testid="audit-nav">
      Audit
    </Link>
  );
}
