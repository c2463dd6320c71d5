#!/usr/bin/env node
// `npm run backup -- <destination> [database]`: a consistent copy of the SQLite history file while the
// server runs. Copying the file itself is not safe in WAL mode (recent writes live in the -wal file);
// `VACUUM INTO` reads one snapshot through SQLite and writes a compact, self-contained database.
import { existsSync } from "node:fs";
import path from "node:path";
import Database from "libsql";

const [dest, source = "data/flightboard.db"] = process.argv.slice(2);
if (!dest) {
  console.error("usage: npm run backup -- <destination.db> [database, default data/flightboard.db]");
  process.exit(2);
}
if (!existsSync(source)) {
  console.error(`backup: no database at ${source}`);
  process.exit(2);
}
if (existsSync(dest)) {
  console.error(`backup: ${dest} exists; choose a new file name`);
  process.exit(2);
}
const db = new Database(source, { readonly: true });
try {
  db.exec("PRAGMA busy_timeout = 5000");
  db.prepare("VACUUM INTO ?").run(path.resolve(dest));
  console.log(`backup: ${source} → ${dest}`);
} catch (e) {
  console.error(`backup failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
} finally {
  db.close();
}
