import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterEach } from "vitest";
import type { StorageTarget } from "../db";

/**
 * The backends the store suite runs against: a real SQLite file, and a real PostgreSQL when
 * FLIGHTBOARD_TEST_PG_URL is set (scripts/with-postgres.mjs starts a throwaway one). Without it the
 * PostgreSQL half is skipped loudly, and under CI=true it fails instead.
 */
export interface TestBackend {
  name: "sqlite" | "postgres";
  /** A fresh, empty database; `drop` removes it. */
  fresh(): Promise<{ target: StorageTarget; drop(): Promise<void> }>;
}

const sqlite: TestBackend = {
  name: "sqlite",
  async fresh() {
    const dir = mkdtempSync(path.join(os.tmpdir(), "flightboard-store-"));
    return { target: { kind: "sqlite", path: path.join(dir, "nested", "history.db") }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  },
};

function postgres(adminUrl: string): TestBackend {
  return {
    name: "postgres",
    async fresh() {
      const name = `fbtest_${randomBytes(6).toString("hex")}`;
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const u = new URL(adminUrl);
      u.pathname = `/${name}`;
      return {
        target: { kind: "postgres", url: u.toString() },
        drop: async () => {
          const c = new pg.Client({ connectionString: adminUrl });
          await c.connect();
          await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          await c.end();
        },
      };
    },
  };
}

export function testBackends(): TestBackend[] {
  const url = process.env.FLIGHTBOARD_TEST_PG_URL;
  if (url) return [sqlite, postgres(url)];
  const msg = "store suite: FLIGHTBOARD_TEST_PG_URL is not set, so the PostgreSQL half is SKIPPED (run it with `node scripts/with-postgres.mjs npx vitest run lib/store`)";
  if (process.env.CI === "true") throw new Error(`${msg}; CI must run it`);
  console.warn(`\n⚠⚠⚠ ${msg} ⚠⚠⚠\n`);
  return [sqlite];
}

/**
 * Per-test databases on one backend, for a `describe` block: `fresh()` gives an empty database;
 * after each test, whatever `defer` was handed (stores to close) and then the databases are
 * dropped, newest first, so a failing test never leaves a store open on a dropped database.
 */
export function freshDatabases(backend: TestBackend): { fresh(): Promise<StorageTarget>; defer(cleanup: () => Promise<void>): void } {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  return {
    async fresh() {
      const db = await backend.fresh();
      cleanups.push(db.drop);
      return db.target;
    },
    defer: (cleanup) => void cleanups.push(cleanup),
  };
}
