/**
 * Graceful shutdown (contract §10): on SIGTERM/SIGINT every registered step runs, phase by phase —
 * event streams end first (clients reconnect elsewhere), then polling stops, then storage flushes,
 * then the listener closes — and the process exits 0 within the budget. A second signal exits at
 * once. The registry lives in `globalThis` because Next.js bundles its own copy of this module for
 * route handlers, and their streams must end with the server's.
 */

export type ShutdownPhase = "streams" | "polling" | "storage" | "last";
const PHASES: readonly ShutdownPhase[] = ["streams", "polling", "storage", "last"];
/** Contract §10 allows 10 s; keep 2 s of margin for the process's own teardown. */
export const SHUTDOWN_BUDGET_MS = 8_000;

type Step = { name: string; phase: ShutdownPhase; fn: () => unknown };
interface Registry {
  steps: Map<number, Step>;
  next: number;
  started: Promise<void> | null;
}

const slot = globalThis as typeof globalThis & { __flightboardShutdown?: Registry };
function registry(): Registry {
  return (slot.__flightboardShutdown ??= { steps: new Map(), next: 1, started: null });
}

/** Registers a step; returns the function that unregisters it (a stream that ends on its own). */
export function onShutdown(name: string, fn: () => unknown, phase: ShutdownPhase = "last"): () => void {
  const r = registry();
  const id = r.next++;
  r.steps.set(id, { name, phase, fn });
  return () => {
    r.steps.delete(id);
  };
}

/** Whether shutdown has begun (new streams are refused, readiness says no). */
export function shuttingDown(): boolean {
  return registry().started !== null;
}

function withTimeout(p: Promise<unknown>, ms: number): Promise<unknown> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, Math.max(0, ms));
    t.unref();
    p.then(resolve, resolve).finally(() => clearTimeout(t));
  });
}

/** Runs every step, phase by phase, within `budgetMs`; a failing or slow step never blocks the next phase. */
export function runShutdown(log: (msg: string) => void = () => {}, budgetMs = SHUTDOWN_BUDGET_MS): Promise<void> {
  const r = registry();
  r.started ??= (async () => {
    const deadline = Date.now() + budgetMs;
    for (const phase of PHASES) {
      const steps = [...r.steps.values()].filter((s) => s.phase === phase);
      const runs = steps.map(async (s) => {
        try {
          await s.fn();
        } catch (e) {
          log(`shutdown step ${s.name} failed: ${e instanceof Error ? e.message : "unknown error"}`);
        }
      });
      // Each phase gets an equal share of what is left, so a stuck flush cannot starve the listener's close.
      const left = deadline - Date.now();
      await withTimeout(Promise.all(runs), left / (PHASES.length - PHASES.indexOf(phase)));
    }
  })();
  return r.started;
}

/**
 * A signal this soon after the first is the same request arriving twice (Ctrl-C or `kill -- -PGID`
 * reaches both `npm start`'s launcher, which forwards it, and this process), not a second request.
 */
const SAME_SIGNAL_MS = 1_000;

/**
 * Installs the signal handlers: the first SIGTERM/SIGINT shuts down gracefully and exits 0 (1 when
 * the budget ran out), a second one (later than SAME_SIGNAL_MS) exits at once.
 */
export function installSignalHandlers(log: (msg: string) => void, exit: (code: number) => void = (c) => process.exit(c)): void {
  let first = 0;
  const on = (sig: NodeJS.Signals) => {
    if (first > 0 && Date.now() - first < SAME_SIGNAL_MS) return;
    if (first > 0) {
      log(`${sig} again: exiting now`);
      exit(1);
      return;
    }
    first = Date.now();
    log(`${sig}: shutting down (at most ${SHUTDOWN_BUDGET_MS / 1000} s)`);
    const hard = setTimeout(() => {
      log("shutdown budget exceeded: exiting");
      exit(1);
    }, SHUTDOWN_BUDGET_MS + 1_000);
    hard.unref();
    void runShutdown(log).then(() => {
      clearTimeout(hard);
      exit(0);
    });
  };
  process.on("SIGTERM", on);
  process.on("SIGINT", on);
}
