import type { Metadata } from "next";
import type { ReactNode } from "react";

export const metadata: Metadata = { title: "Wall" };

/** The wall is a kiosk view: the root layout's chrome steps aside for /wall (see SiteChrome). */
export default async function WallLayout({ children }: { children: ReactNode }) {
  return children;
}
