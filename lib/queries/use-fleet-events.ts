"use client";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { FleetChanges, FleetResponse } from "@/lib/monitor/dto";
import { applyFleetChanges } from "./fleet-changes";
import { queryKeys } from "./index";

/** Where the live stream stands: `live` once an event arrived on the current connection. */
export type StreamState = "connecting" | "live" | "down";

const MIN_BACKOFF_MS = 2_000;
const MAX_BACKOFF_MS = 30_000;

/**
 * Keeps the fleet query fresh from `/api/v1/events` (SSE); polling stays on as the fallback. The
 * stream sends the whole fleet once, then only what changed (`?changes=1`): the hook keeps the
 * stream's own fleet and applies each change to it, so a poll answer in between cannot mix in.
 *
 * The browser's EventSource retries by itself after a dropped connection, but gives up for good
 * (readyState CLOSED) when a reconnect gets a non-200 answer — a restarting server or a proxy's 502
 * is enough. A wall screen must never stay stuck there, so a closed stream is replaced after a
 * backoff. Exactly one EventSource and one timer exist at any time, and both are released on
 * unmount: a screen that runs for weeks must not accumulate either.
 */
export function useFleetEvents(search = ""): StreamState {
  const client = useQueryClient();
  const [state, setState] = useState<StreamState>("connecting");
  useEffect(() => {
    if (typeof EventSource === "undefined") return;
    let source: EventSource | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let backoff = MIN_BACKOFF_MS;
    let disposed = false;
    let live = false;
    const key = queryKeys.fleet(search);

    // The fleet as this connection last described it; null until its first `fleet` event.
    let streamFleet: FleetResponse | null = null;
    const accept = (fleet: FleetResponse) => {
      streamFleet = fleet;
      client.setQueryData<FleetResponse>(key, fleet);
      backoff = MIN_BACKOFF_MS;
      live = true;
      setState("live");
    };
    const onFleet = (ev: MessageEvent<string>) => {
      try {
        accept(JSON.parse(ev.data) as FleetResponse);
      } catch {
        // a malformed event is ignored; the next poll repairs the view
      }
    };
    const onChanges = (ev: MessageEvent<string>) => {
      let next: FleetResponse | null = null;
      try {
        if (streamFleet) next = applyFleetChanges(streamFleet, JSON.parse(ev.data) as FleetChanges);
      } catch {
        next = null;
      }
      if (next) accept(next);
      else {
        // Out of step with the server: start over (the new connection sends the whole fleet first).
        release();
        timer = setTimeout(open, backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    };
    const onError = () => {
      if (disposed || !source) return;
      setState("down");
      // The stream just dropped: poll now, so a dead server shows within a second, not a poll interval.
      if (live) void client.refetchQueries({ queryKey: key });
      live = false;
      if (source.readyState === EventSource.CLOSED) {
        release();
        timer = setTimeout(open, backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    };
    function release() {
      if (!source) return;
      source.removeEventListener("fleet", onFleet as EventListener);
      source.removeEventListener("fleet-changes", onChanges as EventListener);
      source.removeEventListener("error", onError);
      source.close();
      source = null;
      streamFleet = null;
    }
    function open() {
      timer = null;
      if (disposed) return;
      source = new EventSource(`/api/v1/events?changes=1${search ? `&${search}` : ""}`);
      source.addEventListener("fleet", onFleet as EventListener);
      source.addEventListener("fleet-changes", onChanges as EventListener);
      source.addEventListener("error", onError);
    }

    open();
    return () => {
      disposed = true;
      if (timer) clearTimeout(timer);
      release();
    };
  }, [client, search]);
  return state;
}
