import { AirflowError } from "../errors";

/**
 * Pacing for MWAA InvokeRestApi, which AWS throttles at about 10 requests per second per account
 * and region. One limiter per account+region is shared by every environment there, so a fleet of
 * rest-api environments stays under the quota instead of each one assuming it has it alone.
 *
 * GCRA ("virtual scheduling"): at most `burst` calls at once, then one every `1000/perSecond` ms.
 * In any 1-second window at most `burst + perSecond` calls start.
 */
export interface RateLimiter {
  /** Resolves when the caller may send; rejects (kind `timeout`) if `signal` aborts first. */
  take(signal: AbortSignal): Promise<void>;
  /** After a throttling answer: everyone sharing the limiter waits `ms` longer. */
  penalize(ms: number): void;
}

export interface RateOptions {
  perSecond: number;
  burst: number;
}

/** 8/s with a burst of 1: never more than 9 calls start in any second, below the ~10 TPS quota. */
export const INVOKE_REST_API_RATE: RateOptions = { perSecond: 8, burst: 1 };

export function createRateLimiter(opts: RateOptions, now: () => number = () => performance.now()): RateLimiter {
  const interval = 1000 / opts.perSecond;
  const tolerance = (Math.max(1, opts.burst) - 1) * interval;
  let tat = 0; // theoretical arrival time of the next call
  return {
    take(signal) {
      const t = now();
      tat = Math.max(tat, t);
      const wait = tat - t - tolerance;
      tat += interval;
      if (wait <= 0) return Promise.resolve();
      return sleep(wait, signal, "waiting for the InvokeRestApi rate limit");
    },
    penalize(ms) {
      tat = Math.max(tat, now()) + ms;
    },
  };
}

const limiters = new Map<string, RateLimiter>();

/** The limiter shared by every caller with the same key (account+region). */
export function sharedRateLimiter(key: string, opts: RateOptions = INVOKE_REST_API_RATE): RateLimiter {
  let l = limiters.get(key);
  if (!l) {
    l = createRateLimiter(opts);
    limiters.set(key, l);
  }
  return l;
}

/** setTimeout as a promise that rejects with kind `timeout` when the signal aborts. */
export function sleep(ms: number, signal: AbortSignal, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = () => reject(new AirflowError({ kind: "timeout", message: `the call was cancelled while ${what}` }));
    if (signal.aborted) return fail();
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      fail();
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
