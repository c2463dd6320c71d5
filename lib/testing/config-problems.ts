import { ConfigError } from "@/lib/config/load";

/** The problems of the ConfigError `fn` throws; [] when it accepts the configuration (any other error propagates). */
export function configProblems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}
