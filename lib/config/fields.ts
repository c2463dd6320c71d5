import { z } from "zod";

/** Fields and checks the configuration's sections share (schema.ts, auth.ts, alerts.ts, load.ts). */

export const nonEmpty = z.string().trim().min(1, "must not be empty");
export const envVarName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name");
export const httpUrl = z.string().refine((v) => {
  try {
    const u = new URL(v);
    return u.protocol === "http:" || u.protocol === "https:";
  } catch {
    return false;
  }
}, "must be an http(s) URL");

/**
 * The first index of each key in a list whose keys must be unique; a repeat adds
 * `list[i].field: duplicate of list[first].field "key"` to the problems.
 */
export class FirstSeen {
  private readonly first = new Map<string, number>();

  constructor(
    private readonly list: string,
    private readonly field: string,
    private readonly problems: string[],
  ) {}

  note(key: string, i: number): void {
    const first = this.first.get(key);
    if (first !== undefined) this.problems.push(`${this.list}[${i}].${this.field}: duplicate of ${this.list}[${first}].${this.field} "${key}"`);
    else this.first.set(key, i);
  }

  has(key: string): boolean {
    return this.first.has(key);
  }
}
