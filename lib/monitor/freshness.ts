import type { Freshness, Knowledge } from "./dto";

/** What the runtime knows about each kind of data when it builds a summary. */
export interface FreshnessInput {
  /** Last successful health poll (ms), null: never. */
  healthAt: number | null;
  /** The latest health poll failed (the environment is unreachable or refused us). */
  healthFailed: boolean;
  dagsAt: number | null;
  dagsFailed: boolean;
  runsAt: number | null;
  runsFailed: boolean;
  /** No successful health poll for 3 × refresh.health (contract §3). */
  stale: boolean;
}

/**
 * Issue 11's one rule, decided once on the server: data is `current` only when it arrived and
 * nothing since says it may be wrong (its own poll or the health poll failing, or staleness);
 * otherwise it is `last-known` if it ever arrived, else `unknown`.
 */
export function freshnessOf(i: FreshnessInput): Freshness {
  const judge = (at: number | null, failed: boolean): Knowledge => (at === null ? "unknown" : failed || i.healthFailed || i.stale ? "last-known" : "current");
  return {
    health: judge(i.healthAt, false),
    dags: judge(i.dagsAt, i.dagsFailed),
    runs: judge(i.runsAt, i.runsFailed),
    dagsAt: i.dagsAt === null ? null : new Date(i.dagsAt).toISOString(),
    runsAt: i.runsAt === null ? null : new Date(i.runsAt).toISOString(),
  };
}
