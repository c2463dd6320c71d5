import { CreateCliTokenCommand, type MWAAClient } from "@aws-sdk/client-mwaa";
import { AirflowError } from "../errors";
import { upstreamFetch } from "../http";
import type { CallLimits } from "../transport";
import { createTokenCache } from "../transports/token-cache";
import { controlPlaneCall } from "./aws-errors";
import { bareHost } from "./web-login";

/**
 * `access: cli`: `CreateCliToken` (a bearer token MWAA honours for 60 s) → `POST
 * https://{WebServerHostname}/aws_mwaa/cli` with `Authorization: Bearer {CliToken}`, `Content-Type:
 * text/plain` and the Airflow CLI command as the body; the answer is `{"stdout": base64, "stderr":
 * base64}`. The token is reused for its lifetime (renewed 10 s before the end, so a call never
 * carries one about to lapse) and dropped at once when the web server refuses it. It never appears
 * in a message or a log line.
 */

/** MWAA documents 60 s for a CLI token. */
export const CLI_TOKEN_MS = 60_000;
const RENEW_BEFORE_MS = 10_000;

export interface CliOutput {
  stdout: string;
  stderr: string;
}

/** Calls made so far, for the bench and the README's cost figures. */
export interface CliCallCounts {
  tokens: number;
  commands: number;
}

export interface CliRunner {
  /** Runs one Airflow CLI command (`dags list -o json`); rejects only with an `AirflowError`. */
  run(command: string, signal: AbortSignal): Promise<CliOutput>;
  counts(): CliCallCounts;
}

export interface CliRunnerOptions {
  client: MWAAClient;
  environmentName: string;
  region: string;
  /** The MWAA endpoint (for messages). */
  endpointUrl: string;
  profile?: string;
  limits: CallLimits;
  fetch?: typeof fetch;
  now?: () => number;
}

function decode(v: unknown, field: string, env: string): string {
  if (v === undefined || v === null) return "";
  if (typeof v !== "string" || !/^[A-Za-z0-9+/=\s_-]*$/.test(v)) {
    throw new AirflowError({ kind: "bad_response", message: `the Airflow CLI answer of ${env} has a ${field} that is not base64` });
  }
  return Buffer.from(v, "base64").toString("utf8");
}

/** One readable line of what the web server said, without the token should it echo it. */
function snippet(text: string, token: string): string {
  const line = text.split(token).join("…").replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim();
  return line.length > 200 ? `${line.slice(0, 197)}…` : line;
}

export function createCliRunner(opts: CliRunnerOptions): CliRunner {
  const now = opts.now ?? Date.now;
  const env = `MWAA environment ${opts.environmentName}`;
  const counts: CliCallCounts = { tokens: 0, commands: 0 };
  // The host comes with each token; kept beside it so a moved web server is followed on renewal.
  const hosts = new Map<string, string>();
  // Airflow 3's web server answers `/aws_mwaa/cli` with a 307 to `/aws_mwaa/cli/`: learned once per host.
  const slashed = new Set<string>();

  const cache = createTokenCache({
    now,
    renewBeforeMs: RENEW_BEFORE_MS,
    obtain: async () => {
      const obtainedAt = now();
      counts.tokens++;
      const ctx = { op: "CreateCliToken", environmentName: opts.environmentName, region: opts.region, url: opts.endpointUrl, timeoutMs: opts.limits.timeoutMs, profile: opts.profile };
      const out = await controlPlaneCall(ctx, (abortSignal) => opts.client.send(new CreateCliTokenCommand({ Name: opts.environmentName }), { abortSignal }));
      if (!out.CliToken || !out.WebServerHostname) {
        throw new AirflowError({ kind: "bad_response", message: `CreateCliToken for ${env} returned no token or host` });
      }
      hosts.clear();
      hosts.set(out.CliToken, bareHost(out.WebServerHostname));
      return { token: out.CliToken, expiresAt: obtainedAt + CLI_TOKEN_MS };
    },
  });

  const attempt = async (command: string, signal: AbortSignal, retried: boolean): Promise<CliOutput> => {
    const token = await cache.get(signal);
    const host = hosts.get(token);
    if (!host) throw new AirflowError({ kind: "bad_response", message: `CreateCliToken for ${env} returned no host` });
    counts.commands++;
    const res = await upstreamFetch(`https://${host}/aws_mwaa/cli${slashed.has(host) ? "/" : ""}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "text/plain", accept: "application/json" },
      body: command,
      signal,
      limits: opts.limits,
      fetch: opts.fetch,
    });
    // A 307/308 ran nothing: sending the command to the trailing-slash path is not a retry of it.
    const moved = res.headers.get("location");
    if ((res.status === 307 || res.status === 308) && moved && !slashed.has(host) && new URL(moved, `https://${host}`).pathname === "/aws_mwaa/cli/" && new URL(moved, `https://${host}`).host === host) {
      slashed.add(host);
      return attempt(command, signal, retried);
    }
    if (res.status === 401 || res.status === 403 || (res.status >= 300 && res.status < 400)) {
      cache.invalidate(token);
      if (!retried) return attempt(command, signal, true);
      throw new AirflowError({
        kind: "auth",
        message: `the web server of ${env} refused the MWAA CLI token (HTTP ${res.status}${res.status < 400 ? ", a redirect" : ""})`,
        httpStatus: res.status,
      });
    }
    if (res.status === 429) {
      throw new AirflowError({ kind: "throttled", message: `the Airflow CLI endpoint of ${env} answered HTTP 429`, httpStatus: 429 });
    }
    if (res.status !== 200) {
      const said = snippet(res.text, token);
      throw new AirflowError({
        kind: "http",
        message: `the Airflow CLI endpoint of ${env} answered HTTP ${res.status} to \`${command.split(" ").slice(0, 2).join(" ")}\`${said ? `: ${said}` : ""}`,
        httpStatus: res.status,
      });
    }
    let json: { stdout?: unknown; stderr?: unknown };
    try {
      json = JSON.parse(res.text) as typeof json;
    } catch {
      json = {};
    }
    if (!json || typeof json !== "object" || (!("stdout" in json) && !("stderr" in json))) {
      const html = /<html|<!doctype/i.test(res.text);
      throw new AirflowError({
        kind: html ? "auth" : "bad_response",
        message: html
          ? `the Airflow CLI endpoint of ${env} answered an HTML page instead of {stdout, stderr} (a login page?)`
          : `the Airflow CLI endpoint of ${env} answered something other than {stdout, stderr}`,
        httpStatus: res.status,
      });
    }
    return { stdout: decode(json.stdout, "stdout", env), stderr: decode(json.stderr, "stderr", env) };
  };

  return {
    run: (command, signal) => attempt(command, signal, false),
    counts: () => ({ ...counts }),
  };
}
