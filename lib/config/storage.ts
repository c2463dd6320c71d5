import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import type { StorageTarget } from "@/lib/store/db";
import { envVarName, nonEmpty } from "./fields";
import type { RetentionConfig } from "@/lib/store/types";

/** `storage:` and `retention:` of contract §7. */

export const storageSchema = z
  .strictObject({
    sqlite: z.strictObject({ path: nonEmpty }).optional(),
    postgres: z.strictObject({ urlEnv: envVarName }).optional(),
  })
  .refine((s) => !(s.sqlite && s.postgres), "has sqlite and postgres; choose one");

const positiveInt = (max: number) => z.number().int("must be a whole number").min(1, "must be at least 1").max(max, `must be at most ${max}`);

export const retentionSchema = z.strictObject({
  rawHours: positiveInt(24 * 90).default(48),
  hourlyDays: positiveInt(3650).default(90),
  dailyDays: positiveInt(36500).default(400),
});

export type StorageSection = z.infer<typeof storageSchema>;

/** The resolved storage: where history lives. The URL's value is a secret: never logged. */
export type StorageConfig =
  | { kind: "sqlite"; path: string }
  | { kind: "postgres"; urlEnv: string; url: string | undefined }
  /** Demo mode: a temporary SQLite file, deleted on close. */
  | { kind: "sqlite-temp"; path: string };

export const DEFAULT_SQLITE_PATH = "./data/flightboard.db";

/** Resolves `storage:` of a configuration file; relative SQLite paths are relative to the working directory. */
export function resolveStorage(section: StorageSection | undefined, env: Record<string, string | undefined>, cwd = process.cwd()): StorageConfig {
  if (section?.postgres) {
    const value = env[section.postgres.urlEnv];
    return { kind: "postgres", urlEnv: section.postgres.urlEnv, url: value === "" ? undefined : value };
  }
  return { kind: "sqlite", path: path.resolve(cwd, section?.sqlite?.path ?? DEFAULT_SQLITE_PATH) };
}

/** Demo mode keeps history in a temporary file that the store deletes when it closes. */
export function demoStorage(): StorageConfig {
  return { kind: "sqlite-temp", path: path.join(os.tmpdir(), `flightboard-demo-${process.pid}-${randomBytes(4).toString("hex")}.db`) };
}

/**
 * What lib/store opens. Throws with one line when PostgreSQL is chosen but its variable is unset or
 * holds something that is not a postgres:// URL (naming the variable, never its value).
 */
export function storageTarget(s: StorageConfig): StorageTarget {
  if (s.kind !== "postgres") return s;
  if (!s.url) throw new Error(`storage.postgres.urlEnv: variable ${s.urlEnv} is not set`);
  if (!/^postgres(ql)?:\/\//.test(s.url)) throw new Error(`storage.postgres.urlEnv: variable ${s.urlEnv} must hold a postgres:// URL`);
  return { kind: "postgres", url: s.url };
}

export type { RetentionConfig };
