import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "libsql";
import { afterAll, expect, it } from "vitest";
import { HistoryStore } from "./index";

const dir = mkdtempSync(path.join(tmpdir(), "flightboard-crash-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("kill -9 while writing loses at most the batch in flight; the SQLite file opens cleanly", async () => {
  const file = path.join(dir, "history.db");
  const child = spawn(process.execPath, ["--import", "tsx", path.resolve("lib/store/testing/crash-writer.ts"), file], { stdio: ["ignore", "pipe", "inherit"] });
  let lastCommitted = 0;
  await new Promise<void>((resolve, reject) => {
    let buf = "";
    child.stdout!.on("data", (b: Buffer) => {
      buf += b.toString();
      const lines = buf.split("\n");
      buf = lines.pop()!;
      for (const l of lines) lastCommitted = Number(l);
      // Killed in the middle of the stream of batches, not at a quiet moment.
      if (lastCommitted >= 5_000) child.kill("SIGKILL");
    });
    child.on("exit", (code, signal) => (signal === "SIGKILL" ? resolve() : reject(new Error(`writer exited ${code ?? signal} before it was killed`))));
  });
  expect(lastCommitted).toBeGreaterThanOrEqual(5_000);

  const raw = new Database(file, { readonly: true });
  expect((raw.prepare("PRAGMA integrity_check").get() as { integrity_check: string }).integrity_check).toBe("ok");
  const samples = Number((raw.prepare("SELECT count(*) AS n FROM samples").get() as { n: number }).n);
  raw.close();
  // Every batch reported as committed is there; at most the one being written when killed is not.
  expect(samples).toBeGreaterThanOrEqual(lastCommitted);
  expect(samples).toBeLessThanOrEqual(lastCommitted + 100);
  expect(samples % 50).toBe(0);

  const store = await HistoryStore.open({ target: { kind: "sqlite", path: file } });
  expect((await store.incidents({ limit: 10 })).length).toBeGreaterThan(0);
  await store.close();
}, 120_000);
