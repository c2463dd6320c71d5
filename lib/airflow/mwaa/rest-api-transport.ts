import { Hash } from "@smithy/hash-node";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { AirflowError } from "../errors";
import { upstreamFetch } from "../http";
import type { ApiRequest, ApiResponse, CallLimits, Transport } from "../transport";
import { credentialsFor, envPlaneUrl, type AwsTarget } from "./aws";
import { fromAwsError, isThrottlingError } from "./aws-errors";
import { sharedRateLimiter, sleep, type RateLimiter } from "./rate-limit";

/**
 * `access: rest-api`: every Airflow call becomes one MWAA `InvokeRestApi`
 * (`POST {env-endpoint}/restapi/{Name}` with `{Path, Method, QueryParameters, Body}`), SigV4-signed
 * by hand because the registry's `@aws-sdk/client-mwaa@3.523.0` has no such command. MWAA routes
 * `Path` to `/api/v1` or `/api/v2` by the environment's Airflow version.
 */

/** The longest `Path` InvokeRestApi accepts (service model: length 1–64). */
export const MAX_REST_API_PATH = 64;

export interface RestApiTransportOptions {
  target: AwsTarget;
  environmentName: string;
  limits: CallLimits;
  /** Key of the shared rate limiter, normally `{account}:{region}`; resolved per call. */
  limiterKey: () => string;
  /** Throttling answers are retried this many times with jittered backoff (default 3). */
  throttleRetries?: number;
  /** First backoff step in ms (default 250); doubles per retry, full jitter, capped at 4 s. */
  throttleBaseDelayMs?: number;
  /** Replaces the limiter lookup (tests). */
  limiter?: RateLimiter;
  fetch?: typeof fetch;
}

interface RestApiEnvelope {
  RestApiStatusCode?: unknown;
  RestApiResponse?: unknown;
}

/** `x-amzn-errortype` (text before `:`), else body `__type`/`code` (text after `#`). */
function errorType(headers: Headers, json: unknown): string {
  const h = headers.get("x-amzn-errortype");
  if (h) return h.split(":")[0]!.trim();
  const o = (json && typeof json === "object" ? json : {}) as { __type?: unknown; code?: unknown };
  const t = typeof o.__type === "string" ? o.__type : typeof o.code === "string" ? o.code : "";
  return t.split("#").pop()!.split(":")[0]!.trim();
}

function queryDocument(query: ApiRequest["query"]): Record<string, string | string[]> | undefined {
  if (!query) return undefined;
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    // Strings only: MWAA hands them to the web server as a query string, where `True` (Python's
    // rendering of a JSON boolean) is not what Airflow's validators expect.
    out[k] = Array.isArray(v) ? v.map(String) : String(v);
  }
  return Object.keys(out).length ? out : undefined;
}

export function createRestApiTransport(opts: RestApiTransportOptions): Transport {
  const { target, environmentName, limits } = opts;
  const url = `${envPlaneUrl(target)}/restapi/${encodeURIComponent(environmentName)}`;
  const parsed = new URL(url);
  const retries = opts.throttleRetries ?? 3;
  const base = opts.throttleBaseDelayMs ?? 250;
  const signer = new SignatureV4({
    service: "airflow",
    region: target.region,
    credentials: () => credentialsFor(target)(),
    sha256: Hash.bind(null, "sha256"),
  });
  const ctx = (extra: { timedOut?: boolean } = {}) => ({
    op: "InvokeRestApi",
    environmentName,
    region: target.region,
    url,
    timeoutMs: limits.timeoutMs,
    profile: target.profile,
    ...extra,
  });

  const attempt = async (payload: string, signal: AbortSignal) => {
    let headers: Record<string, string>;
    try {
      const signed = await signer.sign(
        new HttpRequest({
          method: "POST",
          protocol: parsed.protocol,
          hostname: parsed.hostname,
          port: parsed.port ? Number(parsed.port) : undefined,
          path: parsed.pathname,
          headers: { host: parsed.host, "content-type": "application/json", accept: "application/json" },
          body: payload,
        }),
      );
      headers = { ...(signed.headers as Record<string, string>) };
    } catch (e) {
      throw fromAwsError(e, ctx()); // credentials could not be resolved
    }
    delete headers.host; // fetch sets Host from the URL: the same authority that was signed
    return upstreamFetch(url, { method: "POST", headers, body: payload, signal, limits, fetch: opts.fetch });
  };

  return {
    async send(req: ApiRequest, signal: AbortSignal): Promise<ApiResponse> {
      if (req.path.length > MAX_REST_API_PATH) {
        throw new AirflowError({
          kind: "http",
          message: `the Airflow API path is ${req.path.length} characters, longer than the ${MAX_REST_API_PATH} MWAA InvokeRestApi accepts (long DAG ids); use access: web-login for environment ${environmentName}`,
        });
      }
      const payload = JSON.stringify({
        Path: req.path,
        Method: req.method,
        QueryParameters: queryDocument(req.query),
        Body: req.method !== "GET" ? (req.body ?? {}) : undefined,
      });
      const limiter = opts.limiter ?? sharedRateLimiter(opts.limiterKey());
      for (let n = 0; ; n++) {
        await limiter.take(signal);
        const res = await attempt(payload, signal);
        let json: unknown;
        try {
          json = res.text.trim() ? JSON.parse(res.text) : undefined;
        } catch {
          json = undefined;
        }
        const type = errorType(res.headers, json);
        const env = (json ?? {}) as RestApiEnvelope;
        if (res.status === 200 || type === "RestApiClientException" || type === "RestApiServerException") {
          if (typeof env.RestApiStatusCode !== "number") {
            throw new AirflowError({
              kind: "bad_response",
              message: `the MWAA InvokeRestApi answer for ${environmentName} has no RestApiStatusCode (HTTP ${res.status})`,
              httpStatus: res.status,
            });
          }
          // Airflow's own status and body: the REST client maps 4xx/5xx like any direct call.
          return { status: env.RestApiStatusCode, json: env.RestApiResponse };
        }
        const body = (json ?? {}) as { message?: unknown; Message?: unknown };
        const awsError = Object.assign(new Error(String(body.message ?? body.Message ?? "")), {
          name: type || `HTTP ${res.status}`,
          $metadata: { httpStatusCode: res.status },
        });
        if (isThrottlingError(awsError)) {
          const delay = Math.random() * Math.min(4000, base * 2 ** n);
          limiter.penalize(delay); // everyone on this account+region slows down, not just this call
          if (n < retries) {
            await sleep(delay, signal, "backing off after InvokeRestApi throttling");
            continue;
          }
          throw new AirflowError({
            kind: "throttled",
            message: `AWS kept throttling InvokeRestApi for MWAA environment ${environmentName} (${awsError.name}, ${n + 1} attempts); InvokeRestApi allows about 10 requests per second per account and region — use access: web-login for large fleets`,
            httpStatus: res.status,
            cause: awsError,
          });
        }
        throw fromAwsError(awsError, ctx());
      }
    },
  };
}

