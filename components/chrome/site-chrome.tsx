"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";
import { AlertsNav } from "../alerts/alerts-nav";
import { AuditNav } from "../audit/audit-nav";
import { DagSearch } from "../search/dag-search";
import { ThemeToggle } from "./theme-toggle";

/** Pages that run full-screen without the top bar (the wall screen). */
function isKiosk(pathname: string): boolean {
  return pathname === "/wall" || pathname.startsWith("/wall/");
}

/**
 * The top bar (brand, cross-environment DAG search, theme) around every page except the wall,
 * which is a kiosk view with no chrome. Decided by path here rather than by moving pages into
 * route groups, so page files keep their places.
 */
export function SiteChrome({ children }: { children: ReactNode }) {
  const pathname = usePathname() ?? "/";
  if (isKiosk(pathname)) return <>{children}</>;
  // Someone signing in (or out) cannot search DAGs or open the wall yet: offer neither.
  const signedOutPage = pathname === "/signin" || pathname.startsWith("/signin/") || pathname === "/signout";
  return (
    <>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="topbar">
        <Link href="/" className="brand">
          <svg aria-hidden="true" viewBox="0 0 16 16" width="1.2em" height="1.2em" className="brand-mark">
            <path d="M8 1l7 7-7 7-7-7z" fill="none" stroke="currentColor" strokeWidth="1.6" />
            <path d="M8 4.5L11.5 8 8 11.5 4.5 8z" fill="currentColor" />
          </svg>
          Flightboard
        </Link>
        {!signedOutPage && <DagSearch />}
        <nav className="topnav" aria-label="Views">
          {!signedOutPage && <AlertsNav />}
          {!signedOutPage && (
            <Link href="/history" prefetch={false}>
              History
            </Link>
          )}
          {!signedOutPage && <AuditNav />}
          {!signedOutPage && (
            <Link href="/wall" prefetch={false}>
              Wall
            </Link>
          )}
          <ThemeToggle />
        </nav>
      </header>
      <main id="main" className="page" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
