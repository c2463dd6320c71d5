/**
 * Deterministic hashing: every generated value is a pure function of (seed, environment id, salt,
 * index), so the simulator never needs to store per-run state.
 */

/** FNV-1a over a string, 32-bit. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Murmur3 finalizer over a combination of integers; fast enough to call per run. */
export function mix(a: number, b = 0, c = 0): number {
  let h = (a ^ Math.imul(b | 0, 0x9e3779b1) ^ Math.imul(c | 0, 0x85ebca77)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Uniform in [0, 1) from a hash. */
export function unit(h: number): number {
  return h / 4294967296;
}

/** A seeded pseudo-random stream (mulberry32) for one-off generation such as DAG metadata. */
export function rng(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(r: () => number, items: readonly T[]): T {
  return items[Math.floor(r() * items.length)];
}

/** A hex string of `bytes` pseudo-random bytes, for ids and derived secrets. */
export function hexFrom(seedHash: number, bytes: number): string {
  let out = "";
  for (let i = 0; out.length < bytes * 2; i++) out += mix(seedHash, i, 0x5eed).toString(16).padStart(8, "0");
  return out.slice(0, bytes * 2);
}
