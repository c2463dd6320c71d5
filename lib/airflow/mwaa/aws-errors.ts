import { AirflowError, isAirflowError } from "../errors";
import { classifyNetworkError, formatSeconds, hostPort } from "../http";

/**
 * Turns an AWS SDK / STS / credential-provider failure into an `AirflowError` with words an operator
 * can act on. AWS error messages carry ARNs and action names but never secrets, so they are kept.
 */

/** What was being done when the error happened (for the message). */
export interface AwsCallContext {
  /** The API operation, e.g. `GetEnvironment`, `CreateWebLoginToken`, `InvokeRestApi`. */
  op: string;
  environmentName?: string;
  region: string;
  /** The endpoint called, for network errors (`host:port` only is shown). */
  url: string;
  timeoutMs: number;
  /** True when the per-call timeout fired. */
  timedOut?: boolean;
  profile?: string;
}

const CREDENTIAL_REJECTED = new Set([
  "UnrecognizedClientException",
  "InvalidClientTokenId",
  "InvalidSignatureException",
  "SignatureDoesNotMatch",
  "IncompleteSignature",
  "IncompleteSignatureException",
  "MissingAuthenticationToken",
  "MissingAuthenticationTokenException",
]);
const EXPIRED = new Set(["ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired"]);
const THROTTLED = new Set(["ThrottlingException", "Throttling", "TooManyRequestsException", "ThrottledException", "RequestLimitExceeded", "SlowDown"]);
const DENIED = new Set(["AccessDeniedException", "AccessDenied", "UnauthorizedOperation"]);

interface AwsLikeError {
  name?: string;
  message?: string;
  Message?: string;
  code?: string;
  assumingRole?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number };
}

/** Trims an AWS message to one readable line. */
function awsText(e: AwsLikeError): string {
  const m = (e.message && e.message !== "UnknownError" ? e.message : e.Message) ?? "";
  const line = m.replace(/\s+/g, " ").trim();
  return line.length > 400 ? `${line.slice(0, 397)}…` : line;
}

/** True for errors that mean "slow down" (HTTP 429 or an AWS throttling code). */
export function isThrottlingError(e: unknown): boolean {
  if (isAirflowError(e)) return e.kind === "throttled";
  const x = e as AwsLikeError | null;
  if (!x || typeof x !== "object") return false;
  return THROTTLED.has(x.name ?? "") || x.$metadata?.httpStatusCode === 429 || x.$response?.statusCode === 429;
}

/**
 * One MWAA control-plane call under its own timeout (shared callers race their own signals); any
 * failure, the timeout included, becomes an `AirflowError` naming the operation.
 */
export async function controlPlaneCall<T>(ctx: Omit<AwsCallContext, "timedOut">, send: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
  const timeout = AbortSignal.timeout(ctx.timeoutMs);
  try {
    return await send(timeout);
  } catch (e) {
    throw fromAwsError(e, { ...ctx, timedOut: timeout.aborted });
  }
}

export function fromAwsError(e: unknown, ctx: AwsCallContext): AirflowError {
  if (isAirflowError(e)) return e as AirflowError;
  const x = (e && typeof e === "object" ? e : {}) as AwsLikeError;
  const name = x.name ?? "";
  const status = x.$metadata?.httpStatusCode ?? x.$response?.statusCode ?? null;
  const text = awsText(x);
  const env = ctx.environmentName ? `MWAA environment ${ctx.environmentName}` : `MWAA in ${ctx.region}`;
  const withText = (s: string) => (text ? `${s}: ${text}` : s);
  const make = (kind: AirflowError["kind"], message: string) =>
    new AirflowError({ kind, message, httpStatus: status, cause: e });

  if (ctx.timedOut || name === "TimeoutError") {
    return make("timeout", `no answer from the MWAA control plane within ${formatSeconds(ctx.timeoutMs)} (${ctx.op}, ${hostPort(ctx.url)})`);
  }
  if (name === "AbortError") {
    return make("timeout", `the MWAA ${ctx.op} call was cancelled before it finished`);
  }
  if (x.assumingRole) {
    const kind = isThrottlingError(e) ? "throttled" : status !== null && status >= 500 ? "http" : "auth";
    return make(kind, withText(`could not assume role ${x.assumingRole} for ${env}`));
  }
  if (name === "CredentialsProviderError" || name === "ProviderError" || /could not load credentials/i.test(text)) {
    const from = ctx.profile ? `profile ${ctx.profile}` : "the AWS SDK default credential chain";
    return make("auth", withText(`no usable AWS credentials from ${from} for ${env}`) + " — configure credentials, a profile or a role");
  }
  if (EXPIRED.has(name)) {
    return make("auth", withText(`the AWS credentials used for ${env} have expired (${name})`) + " — refresh them (e.g. aws sso login)");
  }
  if (CREDENTIAL_REJECTED.has(name)) {
    return make("auth", withText(`AWS rejected the credentials used for ${env} (${name})`));
  }
  if (DENIED.has(name) || (status === 403 && !THROTTLED.has(name))) {
    return make("auth", withText(`AWS denied airflow:${ctx.op} on ${env}`));
  }
  if (name === "ResourceNotFoundException" || (status === 404 && ctx.environmentName)) {
    return make("platform", `MWAA environment ${ctx.environmentName ?? "?"} not found in region ${ctx.region}`);
  }
  if (isThrottlingError(e)) {
    return make("throttled", withText(`AWS throttled ${ctx.op} for ${env} (${name || `HTTP ${status}`})`));
  }
  if (name === "ValidationException") {
    return make("platform", withText(`MWAA rejected ${ctx.op} for ${env} as invalid`));
  }
  if (status !== null && status >= 500) {
    return make("http", withText(`the MWAA control plane answered HTTP ${status} to ${ctx.op}`));
  }
  if (status === null) {
    // No HTTP answer at all: DNS, refused, reset or TLS — same words as every other upstream.
    const net = classifyNetworkError(e, hostPort(ctx.url), ctx.timeoutMs);
    return new AirflowError({ kind: net.kind, message: `${net.message} (MWAA ${ctx.op})`, cause: e });
  }
  if (name === "SyntaxError" || /deserializ|expected .* but got/i.test(text)) {
    return make("bad_response", `the MWAA control plane's answer to ${ctx.op} could not be read (HTTP ${status})`);
  }
  return make("http", withText(`the MWAA control plane answered HTTP ${status} to ${ctx.op}${name ? ` (${name})` : ""}`));
}
