import "server-only";
import type { EnvironmentRuntime } from "@/lib/monitor/runtime";
import type { FleetFilter } from "@/lib/fleet-filter";
import { buildFleet } from "@/lib/monitor/views";
import { historyHealth } from "./history";

/**
 * One `/events?changes=1` stream's memory of what it sent: per environment the serialized summary
 * (the runtime's own string, not a copy), and the order. With 300 environments the whole fleet is
 * about 200 kB and something changes every second or two; the changes are a few kB.
 */
export class FleetChangeTracker {
  private sent = new Map<string, string>();
  private order = "";

  constructor(private readonly filter: FleetFilter) {}

  /** The fleet as `/fleet` shows it (filtered, worst first, counted), with each summary's serialized form. */
  private view(runtimes: readonly EnvironmentRuntime[], now: number) {
    const fleet = buildFleet(runtimes.map((rt) => rt.summary), this.filter, now);
    const json = new Map(runtimes.map((rt) => [rt.config.id, summaryJsonOf(rt)]));
    const shown = fleet.environments.map((e) => ({ id: e.id, json: json.get(e.id)! }));
    return { fleet, shown, order: shown.map((e) => e.id).join("\n") };
  }

  /** Remembers `runtimes` as sent in full (the stream's first `fleet` event, built in the same tick). */
  prime(runtimes: readonly EnvironmentRuntime[], now: number): void {
    const { shown, order } = this.view(runtimes, now);
    this.sent = new Map(shown.map((e) => [e.id, e.json]));
    this.order = order;
  }

  /** The `fleet-changes` body since the last call (or `prime`), or null when nothing this stream shows changed. */
  next(runtimes: readonly EnvironmentRuntime[], now: number): string | null {
    const { fleet, shown, order } = this.view(runtimes, now);
    const changed = shown.filter((e) => this.sent.get(e.id) !== e.json).map((e) => e.json);
    const reordered = order !== this.order;
    this.sent = new Map(shown.map((e) => [e.id, e.json]));
    this.order = order;
    if (changed.length === 0 && !reordered) return null;
    const orderPart = reordered ? `,"order":${JSON.stringify(shown.map((e) => e.id))}` : "";
    return `{"generatedAt":${JSON.stringify(fleet.generatedAt)},"history":${JSON.stringify(historyHealth())},"counts":${JSON.stringify(fleet.counts)}${orderPart},"changed":[${changed.join(",")}]}`;
  }
}

/** The summary as the monitor serialized it for change detection (an environment not yet refreshed has none). */
function summaryJsonOf(rt: EnvironmentRuntime): string {
  return rt.summaryJson || JSON.stringify(rt.summary);
}
