import { Migrator, type Kysely, type Migration } from "kysely";
import { migration001History } from "./001-history";
import { migration002Alerts } from "./002-alerts";
import { migration003Actions } from "./003-actions";
import { migration004DagCache } from "./004-dag-cache";

/**
 * Every migration, in order. To extend the schema add `NNN-what.ts` next to this file and one entry
 * here; names sort lexically, so keep the three-digit prefix. Never change what a landed migration
 * does: a rewrite of its code must run the same SQL (compare `sqlite_master` before and after).
 */
export const MIGRATIONS: Record<string, Migration> = {
  "001-history": migration001History,
  "002-alerts": migration002Alerts,
  "003-actions": migration003Actions,
  "004-dag-cache": migration004DagCache,
};

/** A database that cannot be used: opening, the schema version, or a migration failed. */
export class StoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StoreError";
  }
}

const MIGRATION_TABLE = "flightboard_migration";

/**
 * Applies pending migrations. Refuses a database that has migrations this code does not know
 * (written by a newer Flightboard): running older code against it could corrupt it.
 */
export async function migrateToLatest(db: Kysely<unknown>): Promise<string[]> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  if (tables.some((t) => t.name === MIGRATION_TABLE)) {
    const applied = (await db.selectFrom(MIGRATION_TABLE as never).select("name" as never).execute()) as { name: string }[];
    const unknown = applied.map((r) => r.name).filter((n) => !(n in MIGRATIONS));
    if (unknown.length > 0) {
      throw new StoreError(
        `database schema is newer than this Flightboard (it has migration ${unknown.sort().join(", ")}, this version knows up to ${Object.keys(MIGRATIONS).sort().pop()}); upgrade Flightboard or point storage at another database`,
      );
    }
  }
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => MIGRATIONS },
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: `${MIGRATION_TABLE}_lock`,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName;
    throw new StoreError(`database migration ${failed ?? ""} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
