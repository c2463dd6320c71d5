"use client";
import { useState } from "react";
import styles from "./auth-pages.module.css";

/** Starts next-auth's sign-in (CSRF token, then POST) and follows the provider's redirect. */
export function SignInButtons({ providers, callbackUrl }: { providers: { id: string; name: string }[]; callbackUrl: string }) {
  const [busy, setBusy] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);

  async function start(id: string) {
    setBusy(id);
    setFailed(false);
    try {
      const csrf = (await (await fetch("/api/auth/csrf", { cache: "no-store" })).json()) as { csrfToken?: string };
      const res = await fetch(`/api/auth/signin/${encodeURIComponent(id)}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ csrfToken: csrf.csrfToken ?? "", callbackUrl, json: "true" }),
        cache: "no-store",
      });
      const { url } = (await res.json()) as { url?: string };
      if (!url) throw new Error("no redirect");
      window.location.assign(url);
    } catch {
      setFailed(true);
      setBusy(null);
    }
  }

  return (
    <>
      {failed && (
        <p role="alert" className="error-box">
          Could not start the sign-in. Check the connection and try again.
        </p>
      )}
      <ul className={styles.list}>
        {providers.map((p) => (
          <li key={p.id}>
            <button type="button" className={styles.button} data-testid={`signin-${p.id}`} disabled={busy !== null} onClick={() => void start(p.id)}>
              {busy === p.id ? "Redirecting…" : `Continue with ${p.name}`}
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}

/** Ends the session (next-auth's CSRF-checked sign-out) and returns to the sign-in page. */
export function SignOutButton({ label = "Sign out" }: { label?: string }) {
  const [busy, setBusy] = useState(false);
  async function signOut() {
    setBusy(true);
    try {
      const csrf = (await (await fetch("/api/auth/csrf", { cache: "no-store" })).json()) as { csrfToken?: string };
      await fetch("/api/auth/signout", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ csrfToken: csrf.csrfToken ?? "", callbackUrl: "/signin", json: "true" }),
        cache: "no-store",
      });
    } finally {
      // A full load, so no state of the signed-in session survives in this tab.
      window.location.replace("/signin");
    }
  }
  return (
    <button type="button" className={styles.button} data-testid="signout" disabled={busy} onClick={() => void signOut()}>
      {busy ? "Signing out…" : label}
    </button>
  );
}
