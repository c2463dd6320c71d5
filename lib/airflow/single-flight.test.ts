import { describe, expect, it } from "vitest";
import { AirflowError } from "./errors";
import { singleFlight, singleFlightByKey } from "./single-flight";

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("singleFlight", () => {
  it("runs one request for concurrent callers and a new one after it settled", async () => {
    let calls = 0;
    const d = deferred<string>();
    const get = singleFlight(async () => {
      calls++;
      return d.promise;
    });
    const a = get(new AbortController().signal);
    const b = get(new AbortController().signal);
    d.resolve("token");
    expect(await Promise.all([a, b])).toEqual(["token", "token"]);
    expect(calls).toBe(1);
    // Settled: the next caller starts a new request (d is resolved, so it answers at once).
    await get(new AbortController().signal);
    expect(calls).toBe(2);
  });

  it("the first caller giving up neither aborts the shared request nor fails the others", async () => {
    const d = deferred<string>();
    let shared: AbortSignal | null = null;
    const get = singleFlight((signal) => {
      shared = signal;
      return d.promise;
    });
    const first = new AbortController();
    const a = get(first.signal);
    const b = get(new AbortController().signal);
    first.abort();
    await expect(a).rejects.toMatchObject({ kind: "timeout" });
    expect(shared!.aborted).toBe(false);
    d.resolve("token");
    await expect(b).resolves.toBe("token");
  });

  it("a caller whose signal is already aborted is refused at once, with the caller's error", async () => {
    const d = deferred<string>();
    const get = singleFlight(() => d.promise, { aborted: () => new AirflowError({ kind: "timeout", message: "gave up on the token" }) });
    const gone = new AbortController();
    gone.abort();
    await expect(get(gone.signal)).rejects.toThrow("gave up on the token");
    d.reject(new Error("nobody listens")); // must not become an unhandled rejection
    await new Promise((r) => setTimeout(r, 10));
  });

  it("bounds the shared request with its own timeout", async () => {
    const get = singleFlight(
      (signal) =>
        new Promise<string>((_res, rej) => {
          signal.addEventListener("abort", () => rej(new Error("shared request timed out")));
        }),
      { timeoutMs: 20 },
    );
    await expect(get(new AbortController().signal)).rejects.toThrow("shared request timed out");
  });

  it("shares a failure with every waiter and starts afresh after it", async () => {
    let calls = 0;
    const get = singleFlight(async () => {
      calls++;
      if (calls === 1) throw new Error("login refused");
      return "ok";
    });
    const s = new AbortController().signal;
    const results = await Promise.allSettled([get(s), get(s)]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    await expect(get(s)).resolves.toBe("ok");
    expect(calls).toBe(2);
  });

  it("keeps one flight per key", async () => {
    const seen: string[] = [];
    const get = singleFlightByKey(async (audience: string) => {
      seen.push(audience);
      return `id-token for ${audience}`;
    });
    const s = new AbortController().signal;
    const out = await Promise.all([get("a", s), get("a", s), get("b", s)]);
    expect(out).toEqual(["id-token for a", "id-token for a", "id-token for b"]);
    expect(seen).toEqual(["a", "b"]);
  });
});
