/** Give up on one of our own API calls after this long: a hung request must not block the next poll. */
export const FETCH_TIMEOUT_MS = 15_000;

/** Fetches one of our own `/api/v1` JSON endpoints; throws with the contract error message on failure. */
export async function fetchJson<T>(path: string, signal?: AbortSignal, timeoutMs = FETCH_TIMEOUT_MS, plain = false): Promise<T> {
  const timeout = AbortSignal.timeout(timeoutMs);
  let res: Response;
  try {
    const s = signal ? AbortSignal.any([signal, timeout]) : timeout;
    // `plain`: exactly the request a <link rel=preload as=fetch crossorigin> makes, so the browser
    // hands over the preloaded response instead of asking again.
    res = await fetch(path, plain ? { signal: s } : { signal: s, headers: { accept: "application/json" }, cache: "no-store" });
  } catch {
    if (timeout.aborted && !signal?.aborted) throw new ApiRequestError(0, `no answer within ${Math.round(timeoutMs / 1000)} s`);
    throw new ApiRequestError(0, "the server cannot be reached");
  }
  if (!res.ok) {
    let message = `HTTP ${res.status}`;
    try {
      const body = (await res.json()) as { error?: { message?: string } };
      if (body.error?.message) message = body.error.message;
    } catch {
      // not JSON: keep the status line
    }
    throw new ApiRequestError(res.status, message);
  }
  return (await res.json()) as T;
}

/** A failed call to our own API: `status` is the HTTP status, 0 when there was no answer. */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "ApiRequestError";
  }
}
