import type { z } from "zod";

/** Edit distance (insertions, deletions, substitutions), case-insensitive: `helth` → `health` is 1. */
export function levenshtein(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const cur = [i];
    for (let j = 1; j <= t.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (s[i - 1] === t[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[t.length];
}

/**
 * The known key a typo most likely meant, or null when none is close: within 2 edits and less than
 * half the word, so `bseUrl` → `baseUrl` but `foo` suggests nothing rather than a random key.
 */
export function closestKey(word: string, known: Iterable<string>): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  for (const k of known) {
    const d = levenshtein(word, k);
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best !== null && bestD > 0 && bestD <= Math.min(2, Math.floor(word.length / 2)) ? best : null;
}

type Schema = z.ZodType;

/**
 * The keys an object schema accepts at `path` (array indexes skipped; every option of a union
 * counts), so "did you mean" offers only keys that are valid in that very place.
 */
export function keysAt(schema: Schema, path: readonly PropertyKey[]): Set<string> {
  const out = new Set<string>();
  const walk = (s: Schema, rest: readonly PropertyKey[]) => {
    const def = (s as unknown as { def: Record<string, unknown> & { type: string } }).def;
    switch (def.type) {
      case "default":
      case "optional":
      case "nullable":
      case "prefault":
      case "readonly":
        return walk(def.innerType as Schema, rest);
      case "pipe":
        return walk(def.in as Schema, rest);
      case "array":
        return walk(def.element as Schema, typeof rest[0] === "number" ? rest.slice(1) : rest);
      case "union":
        for (const o of def.options as Schema[]) walk(o, rest);
        return;
      case "object": {
        const shape = def.shape as Record<string, Schema>;
        if (rest.length === 0) {
          for (const k of Object.keys(shape)) out.add(k);
          return;
        }
        const next = shape[String(rest[0])];
        if (next) walk(next, rest.slice(1));
        return;
      }
    }
  };
  walk(schema, path);
  return out;
}
