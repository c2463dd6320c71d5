import { existsSync } from "node:fs";

/** Debian's Chromium where installed (Playwright cannot download browsers here); Playwright's own elsewhere. */
export const chromiumPath: string | undefined = process.env.CHROMIUM_PATH ?? (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);

/**
 * Launch flags for the e2e suite and the board bench. Besides the usual quiet-browser flags:
 * Chromium 13x+ builds its omnibox popup as a WebUI page in a renderer of its own, once per
 * window, and Playwright opens a window per browser context. On a 2-core machine that renderer
 * took about as much CPU as the page under test during every new context's first load; the
 * browser's own address-bar popup is not part of what a page load costs anyone.
 */
export const chromiumArgs: string[] = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-sync",
  "--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup",
];
