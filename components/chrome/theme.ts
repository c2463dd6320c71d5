/** Theme choice: an explicit light or dark, or follow the system (prefers-color-scheme). */
export type ThemeChoice = "system" | "light" | "dark";

/**
 * The choice is a cookie, not localStorage: the root layout reads it on the server and renders
 * `<html data-theme>` directly, so there is no flash of the other theme and no inline script
 * (which the nonce-based Content-Security-Policy would have to allow).
 */
export const THEME_COOKIE = "flightboard-theme";

export function parseThemeCookie(value: string | undefined): "light" | "dark" | undefined {
  return value === "light" || value === "dark" ? value : undefined;
}
