import "server-only";
import { iso } from "@/lib/monitor/clock";
import type { EnvironmentRuntime } from "@/lib/monitor/runtime";
import { compareSummaries, emptyCounts, matchesFilter, type FleetFilter } from "@/lib/monitor/views";

/**
 * One `/events?changes=1` stream's memory of what it sent: per environment the serialized summary
 * (the runtime's own string, not a copy), and the order. With 300 environments the whole fleet is
 * about 200 kB and something changes every second or two; the changes are a few kB.
 */
export class FleetChangeTracker {
  private sent = new Map<string, string>();
  private order = "";

  constructor(private readonly filter: FleetFilter) {}

  private select(runtimes: readonly EnvironmentRuntime[]): EnvironmentRuntime[] {
    return runtimes.filter((rt) => matchesFilter(rt.summary, this.filter)).sort((a, b) => compareSummaries(a.summary, b.summary));
  }

  /** Remembers `runtimes` as sent in full (the stream's first `fleet` event, built in the same tick). */
  prime(runtimes: readonly EnvironmentRuntime[]): void {
    const shown = this.select(runtimes);
    this.sent = new Map(shown.map((rt) => [rt.config.id, summaryJsonOf(rt)]));
    this.order = shown.map((rt) => rt.config.id).join("\n");
  }

  /** The `fleet-changes` body since the last call (or `prime`), or null when nothing this stream shows changed. */
  next(runtimes: readonly EnvironmentRuntime[], now: number): string | null {
    const shown = this.select(runtimes);
    const order = shown.map((rt) => rt.config.id).join("\n");
    const counts = emptyCounts();
    const changed: string[] = [];
    const sent = new Map<string, string>();
    for (const rt of shown) {
      counts[rt.summary.status]++;
      const json = summaryJsonOf(rt);
      if (this.sent.get(rt.config.id) !== json) changed.push(json);
      sent.set(rt.config.id, json);
    }
    const reordered = order !== this.order;
    this.sent = sent;
    this.order = order;
    if (changed.length === 0 && !reordered) return null;
    const orderPart = reordered ? `,"order":${JSON.stringify(shown.map((rt) => rt.config.id))}` : "";
    return `{"generatedAt":${JSON.stringify(iso(now))},"counts":${JSON.stringify(counts)}${orderPart},"changed":[${changed.join(",")}]}`;
  }
}

/** The summary as the monitor serialized it for change detection (an environment not yet refreshed has none). */
function summaryJsonOf(rt: EnvironmentRuntime): string {
  return rt.summaryJson || JSON.stringify(rt.summary);
}
