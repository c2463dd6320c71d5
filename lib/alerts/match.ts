import picomatch from "picomatch";
import type { EnvironmentSelector } from "@/lib/config/alerts";

/** Selector and glob matching shared by rules, expectations, windows and silences. */

const cache = new Map<string, (s: string) => boolean>();

export function globMatch(pattern: string, value: string): boolean {
  let m = cache.get(pattern);
  if (!m) {
    m = picomatch(pattern, { dot: true });
    if (cache.size > 1000) cache.clear();
    cache.set(pattern, m);
  }
  return m(value);
}

/** Undefined selector = every environment; tags must all match; ids may be globs. */
export function selectsEnvironment(sel: EnvironmentSelector | undefined, env: { id: string; tags: Record<string, string> }): boolean {
  if (!sel) return true;
  if ("ids" in sel) return sel.ids.some((p) => globMatch(p, env.id));
  return Object.entries(sel.tags).every(([k, v]) => env.tags[k] === v);
}

export function selectsDag(sel: { include?: string[]; exclude?: string[] } | undefined, dagId: string): boolean {
  if (!sel) return true;
  const include = sel.include && sel.include.length > 0 ? sel.include : ["*"];
  return include.some((p) => globMatch(p, dagId)) && !(sel.exclude ?? []).some((p) => globMatch(p, dagId));
}
