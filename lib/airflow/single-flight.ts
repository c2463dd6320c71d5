import { AirflowError } from "./errors";

/**
 * "One request in flight, shared by all callers": a login, a token, a control-plane lookup, an API
 * version detection. The shared request runs on its own signal (never a caller's: the first caller
 * giving up must not fail everyone else's wait), bounded by `timeoutMs` when given; each caller waits
 * with its own signal and can stop waiting without stopping the request.
 */

export interface SingleFlightOptions {
  /** Aborts the shared request's own signal after this long; absent when the work bounds itself. */
  timeoutMs?: number;
  /** The rejection a caller gets when its own signal aborts (default: a cancelled-call `timeout` error). */
  aborted?: (signal: AbortSignal) => Error;
}

/** Starts `work` unless it is already running; every caller waits on the same promise. */
export type SingleFlight<T> = (signal: AbortSignal) => Promise<T>;

export function singleFlight<T>(work: (signal: AbortSignal) => Promise<T>, opts: SingleFlightOptions = {}): SingleFlight<T> {
  const keyed = singleFlightByKey<null, T>(() => work(ownSignal(opts.timeoutMs)), { aborted: opts.aborted });
  return (signal) => keyed(null, signal);
}

/** The same, one flight per key (e.g. one ID-token request per audience). */
export function singleFlightByKey<K, T>(work: (key: K, signal: AbortSignal) => Promise<T>, opts: SingleFlightOptions = {}): (key: K, signal: AbortSignal) => Promise<T> {
  const inFlight = new Map<K, Promise<T>>();
  return (key, signal) => {
    let p = inFlight.get(key);
    if (!p) {
      let started: Promise<T>;
      try {
        started = work(key, ownSignal(opts.timeoutMs));
      } catch (e) {
        started = Promise.reject(e);
      }
      p = started.finally(() => inFlight.delete(key));
      // Every waiter may have given up: the failure then has nobody to reach, which is fine.
      p.catch(() => {});
      inFlight.set(key, p);
    }
    return raceSignal(p, signal, opts.aborted ? () => opts.aborted!(signal) : undefined);
  };
}

function ownSignal(timeoutMs: number | undefined): AbortSignal {
  return timeoutMs === undefined ? new AbortController().signal : AbortSignal.timeout(timeoutMs);
}

/**
 * Waits for a shared promise but gives up when this caller's signal aborts; the underlying call keeps
 * running for the next caller. `aborted` builds the rejection (default: a cancelled-call error).
 */
export function raceSignal<T>(p: Promise<T>, signal: AbortSignal, aborted: () => Error = cancelled): Promise<T> {
  if (signal.aborted) return Promise.reject(aborted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(aborted());
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}

function cancelled(): AirflowError {
  return new AirflowError({ kind: "timeout", message: "the call was cancelled while waiting for a shared request" });
}
