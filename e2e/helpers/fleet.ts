import { expect, type APIRequestContext } from "@playwright/test";
import type { FleetResponse } from "../../lib/monitor/dto";

/** Waits until the monitor has polled every environment once (health, runs and DAG list). */
export async function polledFleet(request: APIRequestContext, baseURL = "", timeout = 60_000): Promise<FleetResponse> {
  let fleet: FleetResponse | null = null;
  await expect
    .poll(
      async () => {
        fleet = (await (await request.get(`${baseURL}/api/v1/fleet`)).json()) as FleetResponse;
        return fleet.counts.unknown === 0 && fleet.environments.every((e) => e.runs !== null && e.dags !== null);
      },
      { timeout, intervals: [500] },
    )
    .toBe(true);
  return fleet!;
}
