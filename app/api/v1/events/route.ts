import { handle, parseFleetFilter } from "@/lib/server/api";
import { apiAccess } from "@/lib/server/access";
import { openFleetStream } from "@/lib/server/event-stream";
import { getFleet } from "@/lib/server/fleet";
import { acquireStreamSlot } from "@/lib/server/stream-caps";

/**
 * `GET /api/v1/events` under `next dev` and plain `next start` (the production entry point answers it
 * itself, in server/hot-paths.ts). The stream's behaviour lives in lib/server/event-stream.ts.
 */
export async function GET(req: Request): Promise<Response> {
  return handle(async () => {
    const access = await apiAccess(req);
    if (access instanceof Response) return access;
    const params = new URL(req.url).searchParams;
    const filter = parseFleetFilter(params);
    const changes = ["1", "true"].includes(params.get("changes") ?? "");
    const { monitor } = await getFleet();
    // A route handler sees no client address: with authentication off, all such streams share one
    // count here (the production entry point, server/hot-paths.ts, counts per address).
    const slot = acquireStreamSlot(access.viewer, null);
    if (slot instanceof Response) return slot;
    const encoder = new TextEncoder();
    let stop = () => {};
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        const onAbort = () => {
          stop();
          try {
            controller.close();
          } catch {
            // already closed
          }
        };
        stop = openFleetStream({
          slot,
          monitor,
          access,
          recheck: () => apiAccess(req),
          filter,
          changes,
          write: (text) => controller.enqueue(encoder.encode(text)),
          end: () => {
            req.signal.removeEventListener("abort", onAbort);
            controller.close();
          },
        });
        req.signal.addEventListener("abort", onAbort);
      },
      cancel() {
        stop();
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
