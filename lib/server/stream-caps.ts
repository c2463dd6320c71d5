import "server-only";
import type { Viewer } from "@/lib/auth/policy";
import { apiError } from "./api";

/**
 * Open event streams per credential. Each stream holds a socket, a subscription and (with
 * `changes=1`) a change tracker for as long as the client likes, so one credential opening a
 * thousand of them would cost the server hundreds of MB and slow every other answer. A board or a
 * wall needs one; a person with a few tabs a handful. Beyond the cap: a clear 429 at once.
 */

/** Streams one credential may hold open at once. */
export const STREAM_CAPS = {
  /** A signed-in person (every tab and device of theirs together). */
  person: 20,
  /** A display token (all the wall screens sharing it). */
  display: 50,
  /** Authentication off: per client address. */
  address: 20,
} as const;

/** Seconds a refused client is told to wait: long enough for a closed tab's stream to be noticed. */
const RETRY_AFTER_S = 10;

/** A place taken by one open stream; `release` frees it (once; later calls do nothing). */
export interface StreamSlot {
  release(): void;
}

const open = new Map<string, number>();

/** The credential a stream is counted against, and its cap. */
export function streamKey(viewer: Viewer, address: string | null): { key: string; cap: number } {
  switch (viewer.kind) {
    case "user":
      return { key: `person:${viewer.identity.provider}:${viewer.identity.sub}`, cap: STREAM_CAPS.person };
    case "display":
      return { key: `display:${viewer.token.name}`, cap: STREAM_CAPS.display };
    case "token":
      return { key: `token:${viewer.token.name}`, cap: STREAM_CAPS.display };
    case "open":
      return { key: `address:${address ?? "unknown"}`, cap: STREAM_CAPS.address };
  }
}

/** Takes a place for a new stream, or answers the 429 to send instead. */
export function acquireStreamSlot(viewer: Viewer, address: string | null): StreamSlot | Response {
  const { key, cap } = streamKey(viewer, address);
  const n = open.get(key) ?? 0;
  if (n >= cap) {
    const res = apiError(429, "throttled", `too many open event streams for this ${key.slice(0, key.indexOf(":"))} (at most ${cap}); close one and try again`);
    res.headers.set("retry-after", String(RETRY_AFTER_S));
    return res;
  }
  open.set(key, n + 1);
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      const left = (open.get(key) ?? 1) - 1;
      if (left <= 0) open.delete(key);
      else open.set(key, left);
    },
  };
}

/** Streams open per credential key (tests and figures). */
export function openStreams(): ReadonlyMap<string, number> {
  return open;
}
