import { handle, parseFleetFilter } from "@/lib/server/api";
import { apiAccess, visibilityFilter, type Access } from "@/lib/server/access";
import { getFleet } from "@/lib/server/fleet";
import { fleetJson } from "@/lib/server/snapshot";

const KEEP_ALIVE_MS = 15_000;
/** An open stream re-checks its credentials this often: a revoked token or ended session stops it. */
const RECHECK_MS = 5_000;

/**
 * Server-Sent Events (contract §4): `event: fleet` with the whole /fleet body on connect and on every
 * change (coalesced by the monitor to at most one per second); a comment line every 15 s.
 */
export async function GET(req: Request): Promise<Response> {
  return handle(async () => {
    const first = await apiAccess(req);
    if (first instanceof Response) return first;
    let access: Access = first;
    const filter = parseFleetFilter(new URL(req.url).searchParams);
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
        const push = () => send(`event: fleet\ndata: ${fleetJson(monitor, filter, visibilityFilter(access, monitor.runtimes()))}\n\n`);
        send("retry: 3000\n\n");
        push();
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
