import type { Metadata } from "next";
import { SignOutButton } from "../signin/sign-in-buttons";
import styles from "../signin/auth-pages.module.css";

export const metadata: Metadata = { title: "Sign out" };

/** Public: signing out needs a click (a GET must never end a session, nor start one). */
export default function SignOutPage() {
  return (
    <div className={styles.wrap}>
      <section className="panel" aria-labelledby="signout-title">
        <h1 id="signout-title">Sign out of Flightboard?</h1>
        <SignOutButton />
      </section>
    </div>
  );
}
