import "server-only";
import type { EnvironmentSnapshot } from "@/lib/monitor/snapshot";
import type { FleetFilter } from "@/lib/fleet-filter";
import { buildFleet } from "@/lib/monitor/views";
import { historyHealth } from "./history";

/**
 * One `/events?changes=1` stream's memory of what it sent: per environment the serialized summary
 * (the snapshot's own string, not a copy), and the order. With 300 environments the whole fleet is
 * about 200 kB and something changes every second or two; the changes are a few kB.
 */
export class FleetChangeTracker {
  private sent = new Map<string, string>();
  private order = "";

  constructor(private readonly filter: FleetFilter) {}

  /** The fleet as `/fleet` shows it (filtered, worst first, counted), with each summary's serialized form. */
  private view(environments: readonly EnvironmentSnapshot[], now: number) {
    const fleet = buildFleet(environments.map((env) => env.summary), this.filter, now);
    const json = new Map(environments.map((env) => [env.id, env.summaryJson]));
    const shown = fleet.environments.map((e) => ({ id: e.id, json: json.get(e.id)! }));
    return { fleet, shown, order: shown.map((e) => e.id).join("\n") };
  }

  /** Remembers `environments` as sent in full (the stream's first `fleet` event, built in the same tick). */
  prime(environments: readonly EnvironmentSnapshot[], now: number): void {
    const { shown, order } = this.view(environments, now);
    this.sent = new Map(shown.map((e) => [e.id, e.json]));
    this.order = order;
  }

  /** The `fleet-changes` body since the last call (or `prime`), or null when nothing this stream shows changed. */
  next(environments: readonly EnvironmentSnapshot[], now: number): string | null {
    const { fleet, shown, order } = this.view(environments, now);
    const changed = shown.filter((e) => this.sent.get(e.id) !== e.json).map((e) => e.json);
    const reordered = order !== this.order;
    this.sent = new Map(shown.map((e) => [e.id, e.json]));
    this.order = order;
    if (changed.length === 0 && !reordered) return null;
    const orderPart = reordered ? `,"order":${JSON.stringify(shown.map((e) => e.id))}` : "";
    return `{"generatedAt":${JSON.stringify(fleet.generatedAt)},"history":${JSON.stringify(historyHealth())},"counts":${JSON.stringify(fleet.counts)}${orderPart},"changed":[${changed.join(",")}]}`;
  }
}
