import "server-only";
import type { FleetFilter } from "@/lib/fleet-filter";
import type { FleetMonitor } from "@/lib/monitor/monitor";
import { visibilityFilter, type Access } from "./access";
import { FleetChangeTracker } from "./fleet-changes";
import { onShutdown } from "./shutdown";
import { fleetJson } from "./snapshot";
import type { StreamSlot } from "./stream-caps";

const KEEP_ALIVE_MS = 15_000;
/** An open stream re-checks its credentials this often: a revoked token or ended session stops it. */
const RECHECK_MS = 5_000;
/** What clients wait before reconnecting: after a shutdown they reconnect to another process. */
const RETRY_MS = 3_000;

export interface FleetStreamOptions {
  monitor: FleetMonitor;
  access: Access;
  /** Authenticates the request again (same credentials): the new access, or the refusal. */
  recheck: () => Promise<Access | Response>;
  filter: FleetFilter;
  /** `?changes=1`: after the first fleet, only what changed. */
  changes: boolean;
  /** Writes one chunk of the stream; the transport flushes it at once. */
  write: (text: string) => void;
  /** Ends the response (the stream stopped on its own, was denied, or the server is going away). */
  end: () => void;
  /** The credential's place for this stream (stream-caps.ts), given back when the stream stops. */
  slot: StreamSlot;
}

/**
 * Server-Sent Events (contract §4): `event: fleet` with the whole /fleet body on connect and on every
 * change (coalesced by the monitor to at most one per second); a comment line every 15 s.
 *
 * Extension, `?changes=1` (what Flightboard's own pages ask for): after the first `fleet` event, each
 * change is an `event: fleet-changes` (see `FleetChanges`) with only the environments that changed.
 * With 300 environments that is a few kB a second instead of about 100 kB: a wall screen runs for weeks.
 *
 * Transport-free, so the Next.js route (development) and the raw hot path (production) share it.
 * Returns `stop`, for when the client went away.
 */
export function openFleetStream(o: FleetStreamOptions): () => void {
  const { monitor, filter } = o;
  let access = o.access;
  let stopped = false;
  const tracker = o.changes ? new FleetChangeTracker(filter) : null;
  const send = (text: string) => {
    if (stopped) return;
    try {
      o.write(text);
    } catch {
      stop();
    }
  };
  // Visibility is worked out per push, so access changes apply to open streams too.
  const visibleEnvironments = () => {
    const all = monitor.environments();
    const visible = visibilityFilter(access, all);
    return visible ? all.filter(visible) : all;
  };
  const pushAll = () => send(`event: fleet\ndata: ${fleetJson(monitor, filter, visibilityFilter(access, monitor.environments()))}\n\n`);
  const push = tracker
    ? () => {
        const changes = tracker.next(visibleEnvironments(), monitor.now());
        if (changes) send(`event: fleet-changes\ndata: ${changes}\n\n`);
      }
    : pushAll;
  send(`retry: ${RETRY_MS}\n\n`);
  try {
    pushAll();
    tracker?.prime(visibleEnvironments(), monitor.now());
  } catch (e) {
    stopped = true;
    o.slot.release();
    throw e;
  }
  const unsubscribe = monitor.subscribe(push);
  const keepAlive = setInterval(() => send(": keep-alive\n\n"), KEEP_ALIVE_MS);
  const recheck = setInterval(() => {
    void o.recheck().then((again) => {
      if (again instanceof Response) {
        send(`event: denied\ndata: ${JSON.stringify({ status: again.status })}\n\n`);
        finish();
      } else {
        access = again;
      }
    }, finish);
  }, RECHECK_MS);
  const unregister = onShutdown(
    "event stream",
    () => {
      send(`retry: ${RETRY_MS}\n\n`);
      finish();
    },
    "streams",
  );
  function stop(): void {
    if (stopped) return;
    stopped = true;
    o.slot.release();
    unsubscribe();
    unregister();
    clearInterval(keepAlive);
    clearInterval(recheck);
  }
  function finish(): void {
    stop();
    try {
      o.end();
    } catch {
      // already ended
    }
  }
  return stop;
}
