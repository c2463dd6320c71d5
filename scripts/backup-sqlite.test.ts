import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "libsql";
import { afterAll, expect, it } from "vitest";

const dir = mkdtempSync(path.join(tmpdir(), "flightboard-backup-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const script = path.resolve("scripts/backup-sqlite.mjs");

it("copies a live WAL database, including rows not yet checkpointed into the main file", () => {
  const live = new Database(path.join(dir, "live.db"));
  live.exec("PRAGMA journal_mode = WAL");
  live.exec("CREATE TABLE t (x INTEGER)");
  const insert = live.prepare("INSERT INTO t VALUES (?)");
  for (let i = 0; i < 500; i++) insert.run(i);
  // The writer stays open: the rows sit in the -wal file, as while the server runs.
  expect(statSync(path.join(dir, "live.db-wal")).size).toBeGreaterThan(0);
  execFileSync(process.execPath, [script, path.join(dir, "copy.db"), path.join(dir, "live.db")]);
  live.close();
  const copy = new Database(path.join(dir, "copy.db"), { readonly: true });
  expect((copy.prepare("SELECT count(*) AS n FROM t").get() as { n: number }).n).toBe(500);
  copy.close();
});

it("refuses to overwrite a file and names a missing database", () => {
  const again = spawnSync(process.execPath, [script, path.join(dir, "copy.db"), path.join(dir, "live.db")], { encoding: "utf8" });
  expect([again.status, again.stderr]).toEqual([2, expect.stringContaining("exists")]);
  const missing = spawnSync(process.execPath, [script, path.join(dir, "x.db"), path.join(dir, "nope.db")], { encoding: "utf8" });
  expect([missing.status, missing.stderr]).toEqual([2, expect.stringContaining("no database at")]);
});
