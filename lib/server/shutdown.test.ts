import { describe, expect, it } from "vitest";
import { onShutdown, runShutdown, shuttingDown } from "./shutdown";

describe("graceful shutdown", () => {
  it("runs phases in order (streams, polling, storage, last), skips unregistered steps, and a stuck step cannot hold the rest", async () => {
    const order: string[] = [];
    onShutdown("close listener", () => order.push("last"), "last");
    onShutdown("flush", () => order.push("storage"), "storage");
    const off = onShutdown("gone stream", () => order.push("never"), "streams");
    off();
    onShutdown("stream", () => order.push("streams"), "streams");
    onShutdown("stuck poller", () => new Promise(() => {}), "polling");
    onShutdown("broken poller", () => {
      throw new Error("boom");
    }, "polling");
    const logs: string[] = [];
    expect(shuttingDown()).toBe(false);
    const t0 = Date.now();
    await runShutdown((m) => logs.push(m), 800);
    expect(shuttingDown()).toBe(true);
    expect(order).toEqual(["streams", "storage", "last"]);
    expect(Date.now() - t0).toBeLessThan(1_500);
    expect(logs.join("\n")).toContain("broken poller failed: boom");
  });
});
