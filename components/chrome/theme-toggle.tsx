"use client";
import { useSyncExternalStore } from "react";
import { TID } from "@/lib/test-ids";
import { THEME_COOKIE, type ThemeChoice } from "./theme";

const NEXT: Record<ThemeChoice, ThemeChoice> = { system: "light", light: "dark", dark: "system" };
const LABEL: Record<ThemeChoice, string> = { system: "System", light: "Light", dark: "Dark" };
const CHANGE = "flightboard:theme";

/** The choice lives on <html data-theme> (rendered by the server from the cookie); this reads it. */
function read(): ThemeChoice {
  const t = document.documentElement.dataset.theme;
  return t === "light" || t === "dark" ? t : "system";
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener(CHANGE, onChange);
  return () => window.removeEventListener(CHANGE, onChange);
}

function apply(choice: ThemeChoice) {
  const root = document.documentElement;
  if (choice === "system") delete root.dataset.theme;
  else root.dataset.theme = choice;
  // A year; "system" deletes it. Read by the root layout on the next page load.
  document.cookie =
    choice === "system"
      ? `${THEME_COOKIE}=; path=/; max-age=0; samesite=lax`
      : `${THEME_COOKIE}=${choice}; path=/; max-age=31536000; samesite=lax`;
  window.dispatchEvent(new Event(CHANGE));
}

/** Cycles System → Light → Dark. "System" follows prefers-color-scheme. */
export function ThemeToggle() {
  // The server renders "System"; the client then shows the stored choice without a mismatch warning.
  const choice = useSyncExternalStore(subscribe, read, () => "system" as ThemeChoice);
  return (
    <button
      type="button"
      className="theme-toggle"
      data-testid={TID.themeToggle}
      data-theme-choice={choice}
      aria-label={`Theme: ${LABEL[choice]}. Switch to ${LABEL[NEXT[choice]]}.`}
      onClick={() => apply(NEXT[choice])}
    >
      <svg aria-hidden="true" viewBox="0 0 16 16" width="1em" height="1em" fill="none" stroke="currentColor" strokeWidth="1.6">
        <circle cx="8" cy="8" r="6" />
        <path d="M8 2a6 6 0 0 1 0 12z" fill="currentColor" />
      </svg>
      <span className="theme-toggle-label">{LABEL[choice]}</span>
    </button>
  );
}
