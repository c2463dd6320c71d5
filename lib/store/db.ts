import { mkdirSync } from "node:fs";
import path from "node:path";
import { Kysely, PostgresDialect, sql, SqliteDialect, type RawBuilder } from "kysely";
import Database from "libsql";
import pg from "pg";
import { migrateToLatest, StoreError } from "./migrations/index";
import type { StoreTables } from "./schema";

/** Where history lives (resolved by lib/config/storage.ts). */
export type StorageTarget =
  | { kind: "sqlite"; path: string }
  | { kind: "postgres"; url: string }
  /** Demo mode and tests: a throwaway SQLite file that is deleted on close. */
  | { kind: "sqlite-temp"; path: string };

export interface OpenDatabase {
  db: Kysely<StoreTables>;
  kind: "sqlite" | "postgres";
  /** A one-line description that never contains a password. */
  describe: string;
  close(): Promise<void>;
}

/**
 * An upsert's `SET column = excluded.column` for each column: the new row wins. SQLite and
 * PostgreSQL both name the proposed row `excluded`.
 */
export function fromExcluded<T>(columns: readonly (keyof T & string)[]): { [K in keyof T]?: RawBuilder<T[K]> } {
  return Object.fromEntries(columns.map((c) => [c, sql.ref(`excluded.${c}`)])) as { [K in keyof T]?: RawBuilder<T[K]> };
}

/** `postgres://user:secret@host/db` → `postgres://user@host/db`: safe for a log line. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = "";
    return u.toString().replace(/:@/, "@");
  } catch {
    return "postgres://(unparsable url)";
  }
}

function openSqlite(file: string): OpenDatabase {
  try {
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  } catch (e) {
    throw new StoreError(`cannot create the folder of ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  let sqlite: Database.Database;
  try {
    sqlite = new Database(file);
    // WAL: readers never block the writer; NORMAL sync is durable across a process kill (-9),
    // which is what the store promises; a power cut may lose the last transactions only.
    sqlite.exec("PRAGMA journal_mode = WAL");
    sqlite.exec("PRAGMA synchronous = NORMAL");
    sqlite.exec("PRAGMA busy_timeout = 5000");
  } catch (e) {
    throw new StoreError(`cannot open SQLite database ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const db = new Kysely<StoreTables>({ dialect: new SqliteDialect({ database: sqlite as never }) });
  return { db, kind: "sqlite", describe: `SQLite ${file}`, close: () => db.destroy() };
}

function openPostgres(url: string): OpenDatabase {
  const pool = new pg.Pool({
    connectionString: url,
    max: 4,
    connectionTimeoutMillis: 10_000,
    // BIGINT (epoch ms) comes back as a string by default; every value we store fits a double.
    types: { getTypeParser: (oid: number, format?: "text" | "binary") => (oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as "text")) } as never,
  });
  // An idle client's error (the server restarted) must not crash the process; the next query retries.
  pool.on("error", () => {});
  // Nor a connection lost while checked out between two queries (a transaction's): the query fails instead.
  pool.on("connect", (client) => client.on("error", () => {}));
  const db = new Kysely<StoreTables>({ dialect: new PostgresDialect({ pool }) });
  return { db, kind: "postgres", describe: `PostgreSQL ${redactUrl(url)}`, close: () => db.destroy() };
}

/**
 * Opens the database and brings its schema up to date. Throws StoreError with one clear line when
 * it cannot be opened, reached or migrated, or when it was written by a newer Flightboard.
 */
export async function openDatabase(target: StorageTarget): Promise<OpenDatabase> {
  const open = target.kind === "postgres" ? openPostgres(target.url) : openSqlite(target.path);
  try {
    await migrateToLatest(open.db as unknown as Kysely<unknown>);
  } catch (e) {
    await open.close().catch(() => {});
    if (e instanceof StoreError) throw new StoreError(`${open.describe}: ${e.message}`);
    const msg = e instanceof Error ? e.message : String(e);
    throw new StoreError(`${open.describe} cannot be used: ${target.kind === "postgres" ? msg.replaceAll(target.url, redactUrl(target.url)) : msg}`);
  }
  return open;
}
