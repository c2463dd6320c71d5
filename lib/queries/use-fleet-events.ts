"use client";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import type { FleetResponse } from "@/lib/monitor/dto";
import { queryKeys } from "./index";

/**
 * Keeps the fleet query fresh from `/api/v1/events` (SSE). Polling stays on as the fallback; the
 * browser's EventSource reconnects by itself after a drop.
 */
export function useFleetEvents(search: string): void {
  const client = useQueryClient();
  useEffect(() => {
    if (typeof EventSource === "undefined") return;
    const source = new EventSource(`/api/v1/events${search ? `?${search}` : ""}`);
    const onFleet = (ev: MessageEvent<string>) => {
      try {
        client.setQueryData<FleetResponse>(queryKeys.fleet(search), JSON.parse(ev.data) as FleetResponse);
      } catch {
        // a malformed event is ignored; the next poll repairs the view
      }
    };
    source.addEventListener("fleet", onFleet as EventListener);
    return () => {
      source.removeEventListener("fleet", onFleet as EventListener);
      source.close();
    };
  }, [client, search]);
}
