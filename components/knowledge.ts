import type { EnvironmentSummary, Knowledge } from "@/lib/monitor/dto";

/**
 * Issue 11's one rule on the client: a value is shown as fact only when `current`; `last-known`
 * values are shown muted with their age; `unknown` ones are never shown as zero, "None" or
 * "Healthy". The server decides (summary.freshness); this reads it, with a fallback from the older
 * fields for summaries that lack it.
 */
export type Part = "health" | "dags" | "runs";

const RANK: Record<Knowledge, number> = { current: 0, "last-known": 1, unknown: 2 };

/** How much is known of one part, or of several together (the least known wins). */
export function knowledgeOf(env: EnvironmentSummary, ...parts: Part[]): Knowledge {
  let worst: Knowledge = "current";
  for (const p of parts) {
    const k = env.freshness ? env.freshness[p] : fallback(env, p);
    if (RANK[k] > RANK[worst]) worst = k;
  }
  return worst;
}

function fallback(env: EnvironmentSummary, part: Part): Knowledge {
  const present = part === "health" ? env.lastSuccessAt !== null : part === "dags" ? env.dags !== null : env.runs !== null;
  if (!present) return "unknown";
  return env.stale || env.status === "unreachable" || env.status === "unauthorized" ? "last-known" : "current";
}

/** When the part's data last arrived (the oldest of several), ISO; null when never. */
export function knownAt(env: EnvironmentSummary, ...parts: Part[]): string | null {
  let oldest: string | null = null;
  for (const p of parts) {
    // Without freshness (hand-built summaries) the last successful health poll is the best guess.
    const f = env.freshness;
    const at = p === "health" || !f ? env.lastSuccessAt : p === "dags" ? f.dagsAt : f.runsAt;
    if (at === null) return null;
    if (oldest === null || at < oldest) oldest = at;
  }
  return oldest;
}

/** Why data is not known, in a few words (no age; the view adds a ticking one). */
export function unknownWords(env: EnvironmentSummary, part: Part): string {
  if (env.checkedAt === null) return "the first check has not finished yet";
  if (env.lastSuccessAt === null) return "the environment has not been reached since monitoring began";
  if (part === "health") return "no health answer received yet";
  return part === "dags" ? "the DAG list has not been received yet" : "the runs have not been received yet";
}

/** Class that mutes last-known values. */
export function knowledgeClass(k: Knowledge): string {
  return k === "current" ? "" : k === "last-known" ? "is-last-known" : "is-unknown";
}
