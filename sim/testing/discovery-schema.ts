/**
 * A small validator for Google API discovery-document schemas (`schemas.{Name}` with `$ref`,
 * `type`, `format`, `enum`, `items`, `additionalProperties`), enough to hold the simulator's
 * Composer responses to `composer.v1.discovery.json`. Unknown properties are errors: Google's
 * JSON never contains fields its discovery document lacks, so neither may ours.
 */

export interface DiscoverySchema {
  id?: string;
  type?: string;
  format?: string;
  enum?: string[];
  $ref?: string;
  items?: DiscoverySchema;
  properties?: Record<string, DiscoverySchema>;
  additionalProperties?: DiscoverySchema;
}

export interface DiscoveryDoc {
  schemas: Record<string, DiscoverySchema>;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** Returns every violation as `path: problem`; empty when `value` conforms to schema `name`. */
export function validateDiscovery(doc: DiscoveryDoc, name: string, value: unknown): string[] {
  const problems: string[] = [];
  const root = doc.schemas[name];
  if (!root) return [`no schema ${name}`];
  check(doc, root, value, name, problems);
  return problems;
}

function check(doc: DiscoveryDoc, schema: DiscoverySchema, value: unknown, path: string, out: string[]): void {
  if (schema.$ref) {
    const target = doc.schemas[schema.$ref];
    if (!target) return void out.push(`${path}: unknown $ref ${schema.$ref}`);
    return check(doc, target, value, path, out);
  }
  switch (schema.type) {
    case "string": {
      if (typeof value !== "string") return void out.push(`${path}: expected string, got ${typeof value}`);
      if (schema.enum && !schema.enum.includes(value)) out.push(`${path}: ${JSON.stringify(value)} is not one of ${schema.enum.join(", ")}`);
      if (schema.format === "google-datetime" && !RFC3339.test(value)) out.push(`${path}: ${JSON.stringify(value)} is not an RFC 3339 timestamp`);
      if (schema.format === "google-duration" && !/^-?\d+(\.\d+)?s$/.test(value)) out.push(`${path}: ${JSON.stringify(value)} is not a duration`);
      if ((schema.format === "int64" || schema.format === "uint64") && !/^-?\d+$/.test(value)) out.push(`${path}: ${JSON.stringify(value)} is not an int64 string`);
      return;
    }
    case "integer":
      if (typeof value !== "number" || !Number.isInteger(value)) out.push(`${path}: expected integer`);
      return;
    case "number":
      if (typeof value !== "number") out.push(`${path}: expected number`);
      return;
    case "boolean":
      if (typeof value !== "boolean") out.push(`${path}: expected boolean`);
      return;
    case "array":
      if (!Array.isArray(value)) return void out.push(`${path}: expected array`);
      value.forEach((v, i) => check(doc, schema.items ?? {}, v, `${path}[${i}]`, out));
      return;
    case "any":
      return;
    case "object":
    default: {
      if (typeof value !== "object" || value === null || Array.isArray(value)) return void out.push(`${path}: expected object`);
      for (const [k, v] of Object.entries(value)) {
        const prop = schema.properties?.[k] ?? schema.additionalProperties;
        if (!prop) {
          out.push(`${path}.${k}: not in the discovery document`);
          continue;
        }
        check(doc, prop, v, `${path}.${k}`, out);
      }
    }
  }
}
