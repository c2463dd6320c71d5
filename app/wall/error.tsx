"use client";
import { useEffect } from "react";

/** A wall must never sit on an error page: show it loudly, then retry on its own. */
export default function WallError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    const t = setTimeout(reset, 10_000);
    return () => clearTimeout(t);
  }, [reset]);
  return (
    <div style={{ position: "fixed", inset: 0, background: "#c4001d", color: "#fff", display: "grid", placeItems: "center", fontSize: 40, textAlign: "center", padding: 40 }} role="alert">
      The wall screen failed: {error.message || "unexpected error"}. Retrying in 10 s.
    </div>
  );
}
