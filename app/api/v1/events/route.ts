import { handle, parseFleetFilter } from "@/lib/server/api";
import { apiAccess, visibilityFilter, type Access } from "@/lib/server/access";
import { getFleet } from "@/lib/server/fleet";
import { FleetChangeTracker } from "@/lib/server/fleet-changes";
import { fleetJson } from "@/lib/server/snapshot";

const KEEP_ALIVE_MS = 15_000;
/** An open stream re-checks its credentials this often: a revoked token or ended session stops it. */
const RECHECK_MS = 5_000;

/**
 * Server-Sent Events (contract §4): `event: fleet` with the whole /fleet body on connect and on every
 * change (coalesced by the monitor to at most one per second); a comment line every 15 s.
 *
 * Extension, `?changes=1` (what Flightboard's own pages ask for): after the first `fleet` event, each
 * change is an `event: fleet-changes` (see `FleetChanges`) with only the environments that changed.
 * With 300 environments that is a few kB a second instead of about 100 kB: a wall screen runs for weeks.
 */
export async function GET(req: Request): Promise<Response> {
  return handle(async () => {
    const first = await apiAccess(req);
    if (first instanceof Response) return first;
    let access: Access = first;
    const params = new URL(req.url).searchParams;
    const filter = parseFleetFilter(params);
    const tracker = ["1", "true"].includes(params.get("changes") ?? "") ? new FleetChangeTracker(filter) : null;
    const { monitor } = await getFleet();
    const encoder = new TextEncoder();
    let cleanup = () => {};
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        const send = (text: string) => {
          try {
            controller.enqueue(encoder.encode(text));
          } catch {
            cleanup();
          }
        };
        // Visibility is worked out per push, so access changes apply to open streams too.
        const visibleRuntimes = () => {
          const all = monitor.runtimes();
          const visible = visibilityFilter(access, all);
          return visible ? all.filter(visible) : all;
        };
        const pushAll = () => send(`event: fleet\ndata: ${fleetJson(monitor, filter, visibilityFilter(access, monitor.runtimes()))}\n\n`);
        const push = tracker
          ? () => {
              const changes = tracker.next(visibleRuntimes(), monitor.now());
              if (changes) send(`event: fleet-changes\ndata: ${changes}\n\n`);
            }
          : pushAll;
        send("retry: 3000\n\n");
        pushAll();
        tracker?.prime(visibleRuntimes(), monitor.now());
        const unsubscribe = monitor.subscribe(push);
        const keepAlive = setInterval(() => send(": keep-alive\n\n"), KEEP_ALIVE_MS);
        const recheck = setInterval(() => {
          void apiAccess(req).then((again) => {
            if (again instanceof Response) {
              send(`event: denied\ndata: ${JSON.stringify({ status: again.status })}\n\n`);
              onAbort();
            } else {
              access = again;
            }
          }, onAbort);
        }, RECHECK_MS);
        cleanup = () => {
          unsubscribe();
          clearInterval(keepAlive);
          clearInterval(recheck);
          req.signal.removeEventListener("abort", onAbort);
        };
        const onAbort = () => {
          cleanup();
          try {
            controller.close();
          } catch {
            // already closed
          }
        };
        req.signal.addEventListener("abort", onAbort);
      },
      cancel() {
        cleanup();
      },
    });
    return new Response(stream, {
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        connection: "keep-alive",
        "x-accel-buffering": "no",
      },
    });
  });
}
