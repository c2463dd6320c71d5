import { GetEnvironmentCommand, type Environment } from "@aws-sdk/client-mwaa";
import { asAirflowError } from "../client";
import { createConnector } from "../connector-kit";
import { AirflowError } from "../errors";
import { singleFlight } from "../single-flight";
import type { CallLimits, Transport } from "../transport";
import { createHttpTransport } from "../transports/http-transport";
import type { ApiVersion, Connector, PlatformClass, PlatformInfo } from "../types";
import { accountOfArn, envPlaneUrl, mwaaClientFor, type AwsTarget } from "./aws";
import { controlPlaneCall } from "./aws-errors";
import { createCliChannel, type CliConnector } from "../cli/connector";
import { createCliRunner } from "./cli-runner";
import { createRestApiTransport } from "./rest-api-transport";
import { bareHost, webLoginAuth } from "./web-login";

/** Settings of one MWAA environment's connector (contract §2 `mwaa:`, resolved by the config layer). */
export interface MwaaConnectorSettings {
  environmentName: string;
  region: string;
  /**
   * `web-login` (default in config): session via CreateWebLoginToken; `rest-api`: InvokeRestApi per
   * call; `cli`: CreateCliToken + `/aws_mwaa/cli` (Airflow CLI, see lib/airflow/cli).
   */
  access: "web-login" | "rest-api" | "cli";
  /** Named AWS profile; default: the SDK's default credential chain. */
  profile?: string;
  /** Role to assume first (cross-account); its session is cached and renewed. */
  roleArn?: string;
  /** Control-plane endpoint override; host prefixes are then disabled. */
  endpoint?: string;
  /** STS endpoint for `roleArn`; default: `endpoint` when set, else AWS's. */
  stsEndpoint?: string;
  limits: CallLimits;
  /** Airflow UI base override for deep links; default `https://{WebserverUrl}`. */
  uiUrl?: string;
  /** Replaces the global fetch for web-server and InvokeRestApi calls (tests, custom dispatchers). */
  fetch?: typeof fetch;
  /** Clock (epoch ms) for session expiry; default `Date.now`. */
  now?: () => number;
  /** Assumed web-login session lifetime when the login answer does not state one (default 12 h). */
  sessionLifetimeMs?: number;
  /** InvokeRestApi throttling backoff: retries (default 3) and first delay in ms (default 250). */
  throttleRetries?: number;
  throttleBaseDelayMs?: number;
  /** `access: cli`: `refresh.runs` in ms; each DAG's runs are read once per such cycle (default 60 s). */
  runsRefreshMs?: number;
  /** `access: cli`: CLI calls in flight at most while reading runs (default 2). */
  cliConcurrency?: number;
}

/** What the connector keeps from the last GetEnvironment. */
interface EnvInfo {
  state: string;
  airflowVersion: string | null;
  major: 2 | 3;
  host: string | null;
  accessMode: string | null;
  account: string | null;
  detail: string | null;
}

const BROKEN = new Set(["CREATE_FAILED", "UNAVAILABLE", "DELETED", "DELETING"]);
const TRANSITION = new Set(["CREATING", "UPDATING", "ROLLING_BACK", "MAINTENANCE", "PENDING", "CREATING_SNAPSHOT", "UPDATE_FAILED"]);

/** MWAA `Status` (contract §3): failed, unavailable or deleted environments are broken; the rest of the lifecycle a transition. */
function classOf(state: string): PlatformClass {
  return BROKEN.has(state) ? "broken" : TRANSITION.has(state) ? "transition" : "ok";
}

/** Airflow major from MWAA's `AirflowVersion` ("2.10.3", "3.0.6"); any 3.x or later is Airflow 3. */
function airflowMajor(version: string | null | undefined): 2 | 3 {
  const m = /^v?(\d+)\./.exec(version ?? "");
  return m && Number(m[1]) >= 3 ? 3 : 2;
}

function infoOf(e: Environment | undefined, name: string): EnvInfo {
  if (!e?.Status) {
    throw new AirflowError({ kind: "bad_response", message: `GetEnvironment for ${name} returned no Status` });
  }
  return {
    state: e.Status,
    airflowVersion: e.AirflowVersion ?? null,
    major: airflowMajor(e.AirflowVersion),
    host: e.WebserverUrl ? bareHost(e.WebserverUrl) : null,
    accessMode: e.WebserverAccessMode ?? null,
    account: accountOfArn(e.Arn),
    detail: e.LastUpdate?.Error?.ErrorMessage ?? null,
  };
}

/**
 * A connector for one Amazon MWAA environment: control-plane state from `GetEnvironment`, and the
 * Airflow REST API (`/api/v1` on Airflow 2, `/api/v2` on Airflow 3, chosen from `AirflowVersion`)
 * through a web-login session or InvokeRestApi.
 */
export function createMwaaConnector(settings: MwaaConnectorSettings): Connector {
  const name = settings.environmentName;
  const target: AwsTarget = {
    region: settings.region,
    profile: settings.profile,
    roleArn: settings.roleArn,
    endpoint: settings.endpoint,
    stsEndpoint: settings.stsEndpoint,
  };
  const client = mwaaClientFor(target);
  const planeUrl = settings.endpoint ?? `https://api.airflow.${settings.region}.amazonaws.com`;
  let info: EnvInfo | null = null;
  let transport: { key: string; transport: Transport } | null = null;

  // Shared by concurrent callers, so bounded by its own timeout only; callers race their signals.
  const describe = singleFlight(async (): Promise<EnvInfo> => {
    const ctx = { op: "GetEnvironment", environmentName: name, region: settings.region, url: planeUrl, timeoutMs: settings.limits.timeoutMs, profile: settings.profile };
    info = await controlPlaneCall(ctx, async (abortSignal) => infoOf((await client.send(new GetEnvironmentCommand({ Name: name }), { abortSignal })).Environment, name));
    return info;
  });

  const buildTransport = (i: EnvInfo): Transport => {
    if (settings.access === "rest-api") {
      return createRestApiTransport({
        target,
        environmentName: name,
        limits: settings.limits,
        limiterKey: () => `${info?.account ?? accountOfArn(settings.roleArn) ?? settings.profile ?? "default"}:${settings.region}`,
        throttleRetries: settings.throttleRetries,
        throttleBaseDelayMs: settings.throttleBaseDelayMs,
        fetch: settings.fetch,
      });
    }
    if (!i.host) {
      throw new AirflowError({
        kind: "platform",
        message: `MWAA environment ${name} has no web server URL yet (state ${i.state})`,
      });
    }
    return createHttpTransport({
      baseUrl: `https://${i.host}`,
      auth: webLoginAuth({
        client,
        environmentName: name,
        region: settings.region,
        endpointUrl: envPlaneUrl(target),
        profile: settings.profile,
        major: i.major,
        limits: settings.limits,
        fetch: settings.fetch,
        now: settings.now,
        sessionLifetimeMs: settings.sessionLifetimeMs,
      }),
      limits: settings.limits,
      fetch: settings.fetch,
    });
  };

  /** The transport for the current web server and Airflow major; rebuilt (new session) when either changes. */
  const transportFor = (i: EnvInfo): Transport => {
    const key = `${i.major}|${settings.access === "rest-api" ? "" : i.host}`;
    if (transport?.key !== key) transport = { key, transport: buildTransport(i) };
    return transport.transport;
  };

  /** Explains a failure that comes from a private web server being out of reach. */
  const explain = (e: AirflowError, i: EnvInfo): AirflowError => {
    if (i.accessMode !== "PRIVATE_ONLY") return e;
    const unreachable = e.kind === "connection" || e.kind === "timeout";
    const vpcRefusal = settings.access === "rest-api" && e.kind === "auth" && /\bVPC\b/i.test(e.message);
    if (!unreachable && !vpcRefusal) return e;
    return new AirflowError({
      kind: "connection",
      message: `the web server of MWAA environment ${name} is private (PRIVATE_ONLY) and cannot be reached from here (${e.message}); Flightboard must run inside the environment's VPC or a network connected to it`,
      httpStatus: e.httpStatus,
      cause: e,
    });
  };

  const versionOf = (i: EnvInfo): ApiVersion => (i.major === 3 ? "v2" : "v1");

  const getPlatform = async (signal: AbortSignal): Promise<PlatformInfo> => {
    const i = await describe(signal);
    return {
      state: i.state,
      class: classOf(i.state),
      label: "MWAA environment",
      uiUrl: i.host ? `https://${i.host}` : null,
      airflowVersion: i.airflowVersion,
      detail: i.detail,
    };
  };
  const uiUrl = () => settings.uiUrl?.replace(/\/+$/, "") ?? (info?.host ? `https://${info.host}` : null);

  if (settings.access === "cli") {
    // Some IAM policies grant only airflow:CreateCliToken: without GetEnvironment the environment is
    // still read through its CLI, with its control-plane state unknown (said among the reasons).
    let platformDenied = false;
    const cliPlatform = async (signal: AbortSignal): Promise<PlatformInfo | null> => {
      try {
        const p = await getPlatform(signal);
        platformDenied = false;
        return p;
      } catch (e) {
        const err = asAirflowError(e);
        if (err.kind !== "auth" || !/airflow:GetEnvironment/.test(err.message)) throw err;
        platformDenied = true;
        return null;
      }
    };
    // Same control plane (GetEnvironment) and credentials; Airflow is read through its CLI.
    const channel = createCliChannel({
      runner: createCliRunner({
        client,
        environmentName: name,
        region: settings.region,
        endpointUrl: envPlaneUrl(target),
        profile: settings.profile,
        limits: settings.limits,
        fetch: settings.fetch,
        now: settings.now,
      }),
      where: `MWAA environment ${name}`,
      airflowVersion: () => info?.airflowVersion ?? null,
      // Leave a fifth of the cycle so one sweep ends before the next cycle starts another.
      runsSpreadMs: 0.8 * (settings.runsRefreshMs ?? 60_000),
      concurrency: settings.cliConcurrency,
      now: settings.now,
    });
    const connector: CliConnector = Object.assign(
      createConnector({
        kind: "mwaa",
        where: `MWAA environment ${name}`,
        channel,
        getPlatform: cliPlatform,
        uiUrl,
        // A private web server's CLI endpoint is out of reach like its REST API: say why.
        explain: (e) => (info ? explain(e, info) : e),
        limitations: () => [...channel.limitations(), ...(platformDenied ? ["AWS denies airflow:GetEnvironment: control-plane state unknown"] : [])],
        close: channel.close,
      }),
      { cliCost: channel.cliCost },
    );
    return connector;
  }

  return createConnector({
    kind: "mwaa",
    where: `MWAA environment ${name}`,
    // Airflow 2 speaks /api/v1, Airflow 3 /api/v2: the control plane's AirflowVersion says which.
    resolveVersion: async (signal) => versionOf(info ?? (await describe(signal))),
    // Writes go through the same session or InvokeRestApi (and its shared rate limiter) as reads.
    transportFor: () => transportFor(info!),
    knownVersion: () => (info ? versionOf(info) : null),
    getPlatform,
    uiUrl,
    explain: (e) => (info ? explain(e, info) : e),
  });
}
