import type { Metadata } from "next";
import { signInModel } from "@/lib/server/page-guard";
import { SignInButtons, SignOutButton } from "./sign-in-buttons";
import styles from "./auth-pages.module.css";

export const metadata: Metadata = { title: "Sign in" };

/** Public: the providers' names and nothing else about the board. */
export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string | string[]; error?: string | string[] }> }) {
  const model = await signInModel(await searchParams);
  return (
    <div className={styles.wrap}>
      <section className="panel" aria-labelledby="signin-title">
        <h1 id="signin-title">Sign in to Flightboard</h1>
        {model.error && (
          <p role="alert" className="error-box" data-testid="signin-error">
            {model.error}
          </p>
        )}
        {model.signedInAs ? (
          <>
            <p className="muted">Signed in as {model.signedInAs}.</p>
            <SignOutButton label="Sign out and use another account" />
          </>
        ) : (
          <SignInButtons providers={model.providers} callbackUrl={model.callbackUrl} />
        )}
        <p className="panel-note">Wall screens: open the display link your administrator gave you.</p>
      </section>
    </div>
  );
}
