import type { ColumnDataType, Kysely, Migration } from "kysely";

interface TableOptions {
  /** A primary key over several columns, named `<table>_pk`. */
  primaryKey?: string[];
  /** `name(column, column)`: an index on the table. */
  indexes?: string[];
}

/**
 * Creates a table from SQL-like column declarations, `name type [not null] [primary key]`, comma
 * separated, and its indexes: one line per table, so a migration reads as its schema. The SQL is
 * Kysely's, the same on SQLite and PostgreSQL.
 */
export async function createTable(db: Kysely<unknown>, table: string, columns: string, options: TableOptions = {}): Promise<void> {
  let builder = db.schema.createTable(table);
  for (const declaration of columns.split(",")) {
    const [name, type, ...rest] = declaration.trim().split(/\s+/);
    const flags = rest.join(" ");
    builder = builder.addColumn(name, type as ColumnDataType, (c) => {
      if (flags.includes("primary key")) c = c.primaryKey();
      return flags.includes("not null") ? c.notNull() : c;
    });
  }
  if (options.primaryKey) builder = builder.addPrimaryKeyConstraint(`${table}_pk`, options.primaryKey as never[]);
  await builder.execute();
  for (const index of options.indexes ?? []) {
    const m = /^(\w+)\((.+)\)$/.exec(index);
    if (!m) throw new Error(`index "${index}" is not name(column, ...)`);
    await db.schema.createIndex(m[1]).on(table).columns(m[2].split(",").map((c) => c.trim())).execute();
  }
}

/** A migration that only goes forward: Flightboard never downgrades a database. */
export function forwardOnly(up: (db: Kysely<unknown>) => Promise<void>): Migration {
  return {
    up,
    down: () => Promise.reject(new Error("history migrations are forward-only")),
  };
}
