import { Suspense, type ReactNode } from "react";

/**
 * Around a page's client view that reads the address's query (useSearchParams): Next.js wants a
 * Suspense boundary above such a view, and these pages show nothing in its place meanwhile.
 */
export function SearchParamsBoundary({ children }: { children: ReactNode }) {
  return <Suspense fallback={null}>{children}</Suspense>;
}
