import type { Server } from "node:https";
import { hashString, hexFrom } from "../random";
import type { ScenarioName, SimEnvironmentSpec, VirtualAirflow } from "../types";

/**
 * State of the simulated MWAA service: environments (per account and region), the callers it
 * knows (the base test credentials and the temporary ones it issued through STS), single-use web
 * login tokens and Airflow 2 web sessions.
 */

/**
 * Scenarios the MWAA plane handles itself; every other name passes through to the virtual Airflow.
 * `deleted` makes the environment vanish from ListEnvironments and GetEnvironment (discovery tests).
 * `cli-token-only`: an IAM policy that grants only `airflow:CreateCliToken` (GetEnvironment, web login
 * and InvokeRestApi are denied).
 */
export const MWAA_SCENARIOS = ["updating", "unavailable", "access-denied", "throttled", "private-only", "deleted", "cli-token-only"] as const;
export type MwaaScenario = (typeof MWAA_SCENARIOS)[number];

export function isMwaaScenario(s: string): s is MwaaScenario {
  return (MWAA_SCENARIOS as readonly string[]).includes(s);
}

/** The account the base test credentials belong to. */
export const SIM_ACCOUNT = "123456789012";
export const SIM_REGION = "us-east-1";
/**
 * Fixed, obviously fake test credentials. Not derived from the seed: the AWS SDK's default chain
 * memoizes environment credentials for the life of a process, so every simulator started in one
 * process must accept the same ones.
 */
export const SIM_ACCESS_KEY_ID = "AKIAFLIGHTBOARDSIM01";
export const SIM_SECRET_ACCESS_KEY = "flightboard-simulator-test-secret-not-a-real-key";
export const SIM_CALLER_ARN = `arn:aws:iam::${SIM_ACCOUNT}:user/flightboard-sim`;

export interface MwaaEnv {
  spec: SimEnvironmentSpec;
  /** MWAA environment name (`options.environmentName`, default the spec id). */
  name: string;
  region: string;
  account: string;
  access: "web-login" | "rest-api" | "cli";
  va: VirtualAirflow;
  scenario: ScenarioName;
  createdAtMs: number;
  /** Set once the web server listens. */
  server?: Server;
  webPort: number;
  /** A port nothing listens on: the "private" hostname seen from outside the VPC. */
  closedPort: number;
}

export interface Caller {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  account: string;
  arn: string;
  /** Epoch ms (sim clock) after which temporary credentials are refused. */
  expiresAtMs?: number;
}

export interface MwaaState {
  envs: MwaaEnv[];
  callers: Map<string, Caller>;
  /** Single-use web login tokens → environment and expiry (sim clock). */
  webTokens: Map<string, { env: MwaaEnv; expiresAtMs: number }>;
  /** CLI tokens (reusable until expiry, 60 s) → environment and expiry (sim clock). */
  cliTokens: Map<string, { env: MwaaEnv; expiresAtMs: number }>;
  /** Airflow 2 `session` cookie values → environment and expiry (sim clock). */
  sessions: Map<string, { env: MwaaEnv; expiresAtMs: number }>;
  /** InvokeRestApi call times (real ms) per account:region, for the 10-TPS quota. */
  restApiCalls: Map<string, number[]>;
}

export function envOptions(spec: SimEnvironmentSpec): { name: string; region: string; account: string; access: "web-login" | "rest-api" | "cli" } {
  const o = spec.options ?? {};
  const name = typeof o.environmentName === "string" ? o.environmentName : spec.id;
  if (!/^[a-zA-Z][0-9a-zA-Z-_]*$/.test(name) || name.length > 80) {
    throw new Error(`Simulator: MWAA environment name "${name}" (${spec.id}) does not match [a-zA-Z][0-9a-zA-Z-_]*`);
  }
  return {
    name,
    region: typeof o.region === "string" ? o.region : SIM_REGION,
    account: typeof o.account === "string" ? o.account : SIM_ACCOUNT,
    access: o.access === "rest-api" || o.access === "cli" ? o.access : "web-login",
  };
}

/** Session lifetime of web logins in seconds (`options.sessionLifetimeS`, default 12 h as MWAA documents). */
export function sessionLifetimeS(env: MwaaEnv): number {
  const v = env.spec.options?.sessionLifetimeS;
  return typeof v === "number" && v > 0 ? v : 12 * 3600;
}

export function envArn(env: MwaaEnv): string {
  return `arn:aws:airflow:${env.region}:${env.account}:environment/${env.name}`;
}

/** The hostname MWAA reports: bare `host:port`, the closed port when the web server is private. */
export function webHostname(env: MwaaEnv, host: string): string {
  return `${host}:${env.scenario === "private-only" ? env.closedPort : env.webPort}`;
}

export function environmentStatus(env: MwaaEnv): string {
  const forced = env.spec.options?.status;
  if (typeof forced === "string") return forced;
  if (env.scenario === "updating") return "UPDATING";
  if (env.scenario === "unavailable") return "UNAVAILABLE";
  return "AVAILABLE";
}

const sec = (ms: number) => Math.round(ms) / 1000;

/** The `Environment` structure of GetEnvironment (restJson1: PascalCase keys, epoch-second timestamps). */
export function environmentBody(env: MwaaEnv, host: string, nowMs: number): Record<string, unknown> {
  const h = hashString(`${env.account}:${env.region}:${env.name}`);
  const hx = (salt: number, chars: number) => hexFrom((h ^ salt) >>> 0, Math.ceil(chars / 2)).slice(0, chars);
  const status = environmentStatus(env);
  const logGroup = (part: string) => `arn:aws:logs:${env.region}:${env.account}:log-group:airflow-${env.name}-${part}:*`;
  const logs = (level: string, part: string) => ({ Enabled: true, LogLevel: level, CloudWatchLogGroupArn: logGroup(part) });
  const privateOnly = env.scenario === "private-only";
  const lastUpdateStatus = status === "UPDATING" ? "PENDING" : status === "UPDATE_FAILED" ? "FAILED" : "SUCCESS";
  const lastUpdate: Record<string, unknown> = {
    Status: lastUpdateStatus,
    CreatedAt: sec(status === "UPDATING" ? nowMs - 7 * 60_000 : env.createdAtMs + 86_400_000),
    Source: status === "UPDATING" ? "Amazon MWAA" : "Console",
    WorkerReplacementStrategy: "GRACEFUL",
  };
  if (lastUpdateStatus === "FAILED" || status === "UNAVAILABLE") {
    lastUpdate.Error = { ErrorCode: "INCORRECT_CONFIGURATION", ErrorMessage: "The scheduler is not responding; the environment is not stable." };
  }
  const body: Record<string, unknown> = {
    Name: env.name,
    Arn: envArn(env),
    Status: status,
    AirflowVersion: env.spec.airflowVersion,
    WebserverUrl: webHostname(env, host),
    WebserverAccessMode: privateOnly ? "PRIVATE_ONLY" : "PUBLIC_ONLY",
    EnvironmentClass: "mw1.small",
    Schedulers: 2,
    MinWorkers: 1,
    MaxWorkers: 10,
    MinWebservers: 2,
    MaxWebservers: 2,
    CreatedAt: sec(env.createdAtMs),
    LastUpdate: lastUpdate,
    WeeklyMaintenanceWindowStart: "TUE:03:30",
    LoggingConfiguration: {
      DagProcessingLogs: logs("WARNING", "DAGProcessing"),
      SchedulerLogs: logs("WARNING", "Scheduler"),
      TaskLogs: logs("INFO", "Task"),
      WebserverLogs: logs("WARNING", "WebServer"),
      WorkerLogs: logs("WARNING", "Worker"),
    },
    NetworkConfiguration: {
      SubnetIds: [`subnet-${hx(1, 17)}`, `subnet-${hx(2, 17)}`],
      SecurityGroupIds: [`sg-${hx(3, 17)}`],
    },
    EndpointManagement: "SERVICE",
    ExecutionRoleArn: `arn:aws:iam::${env.account}:role/service-role/AmazonMWAA-${env.name}-exec`,
    ServiceRoleArn: `arn:aws:iam::${env.account}:role/aws-service-role/airflow.amazonaws.com/AWSServiceRoleForAmazonMWAA`,
    SourceBucketArn: `arn:aws:s3:::airflow-${env.name.toLowerCase()}-${hx(4, 8)}`,
    DagS3Path: "dags",
    RequirementsS3Path: "requirements.txt",
    AirflowConfigurationOptions: { "core.default_timezone": "utc" },
    CeleryExecutorQueue: `arn:aws:sqs:${env.region}:${env.account}:airflow-celery-${hx(5, 12)}`,
    DatabaseVpcEndpointService: `com.amazonaws.vpce.${env.region}.vpce-svc-${hx(6, 17)}`,
    Tags: { ...(env.spec.tags ?? {}), "flightboard:sim": "true" },
  };
  if (privateOnly) body.WebserverVpcEndpointService = `com.amazonaws.vpce.${env.region}.vpce-svc-${hx(7, 17)}`;
  return body;
}
