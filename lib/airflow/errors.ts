/**
 * Errors are values: every upstream failure becomes an `AirflowError` whose `kind` is exactly the
 * contract's `error.code` (plus `not_found` for per-DAG lookups). Messages never contain secrets.
 */
export type AirflowErrorKind =
  | "timeout"
  | "connection"
  | "tls"
  | "http"
  | "auth"
  | "missing_secret"
  | "bad_response"
  | "throttled"
  | "platform"
  | "not_found";

export interface AirflowErrorInit {
  kind: AirflowErrorKind;
  message: string;
  httpStatus?: number | null;
  cause?: unknown;
}

export class AirflowError extends Error {
  readonly kind: AirflowErrorKind;
  readonly httpStatus: number | null;

  constructor(init: AirflowErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "AirflowError";
    this.kind = init.kind;
    this.httpStatus = init.httpStatus ?? null;
  }
}

export function isAirflowError(e: unknown): e is AirflowError {
  return e instanceof AirflowError || (typeof e === "object" && e !== null && (e as { name?: string }).name === "AirflowError");
}

/** Short, safe text from an Airflow error body (never echoes the submitted password). */
export function errorDetail(json: unknown, secret?: string): string | null {
  if (!json || typeof json !== "object") return null;
  const o = json as { detail?: unknown; title?: unknown; error?: unknown };
  const parts = [o.title, o.detail, o.error].filter((x): x is string => typeof x === "string" && x.trim() !== "");
  const text = [...new Set(parts)].join(": ").replace(/\s+/g, " ").trim();
  if (!text || text.length > 200 || (secret && text.includes(secret))) return null;
  return text;
}
