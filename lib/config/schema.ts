import { z } from "zod";
import { alertsSchema } from "./alerts";
import { accessSchema, authSchema } from "./auth";
import { envVarName, httpUrl, nonEmpty } from "./fields";
import { retentionSchema, storageSchema } from "./storage";
import { DEFAULT_TIMEOUT_SECONDS, REFRESH_DEFAULTS, REFRESH_FLOORS } from "./types";

/** Raw file schema (contract §2). Unknown keys are errors so a typo never silently does nothing. */

export const ENV_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

const tags = z.record(z.string(), z.string()).default({});

function refreshField(name: keyof typeof REFRESH_FLOORS) {
  const floor = REFRESH_FLOORS[name];
  return z.number().min(floor, `must be at least ${floor} seconds`).max(86_400, "must be at most 86400 seconds").default(REFRESH_DEFAULTS[name]);
}

const airflowAuth = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("none") }),
  z.strictObject({ type: z.literal("basic"), username: nonEmpty, passwordEnv: envVarName }),
  z.strictObject({ type: z.literal("bearer"), tokenEnv: envVarName }),
  z.strictObject({ type: z.literal("jwt"), username: nonEmpty, passwordEnv: envVarName }),
], { error: (iss) => (iss.code === "invalid_union" ? "must have type none, basic, bearer or jwt" : undefined) });

const airflowTarget = z.strictObject({
  baseUrl: httpUrl,
  apiVersion: z.enum(["auto", "v1", "v2"]).default("auto"),
  auth: airflowAuth.default({ type: "none" }),
});

const mwaaAccess = z.enum(["web-login", "rest-api", "cli"]);
const awsRegion = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, "must be an AWS region such as eu-west-1");
const roleArn = z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, "must be an IAM role ARN");

const mwaaTarget = z.strictObject({
  environmentName: z.string().regex(/^[a-zA-Z][0-9a-zA-Z_-]{0,79}$/, "must be an MWAA environment name"),
  region: awsRegion,
  access: mwaaAccess.default("web-login"),
  profile: nonEmpty.optional(),
  roleArn: roleArn.optional(),
  endpoint: httpUrl.optional(),
});

const composerTarget = z.strictObject({
  project: nonEmpty,
  location: nonEmpty,
  environment: nonEmpty,
  credentialsFile: nonEmpty.optional(),
  iapClientId: nonEmpty.optional(),
  apiEndpoint: httpUrl.default("https://composer.googleapis.com"),
});

const environment = z.strictObject({
  id: z.string().regex(ENV_ID_PATTERN, "must match ^[a-z0-9][a-z0-9-]{0,62}$"),
  name: nonEmpty.optional(),
  tags,
  uiUrl: httpUrl.optional(),
  airflow: airflowTarget.optional(),
  mwaa: mwaaTarget.optional(),
  composer: composerTarget.optional(),
  /** Who may see it besides admins (lib/config/auth.ts); absent = everyone signed in. */
  access: accessSchema.optional(),
});

const discovery = z.strictObject({
  mwaa: z
    .array(
      z.strictObject({
        regions: z.array(awsRegion).min(1, "must list at least one region"),
        profile: nonEmpty.optional(),
        roleArn: roleArn.optional(),
        access: mwaaAccess.default("web-login"),
        tags,
        endpoint: httpUrl.optional(),
        environmentAccess: accessSchema.optional(),
      }),
    )
    .default([]),
  composer: z
    .array(
      z.strictObject({
        project: nonEmpty,
        locations: z.array(nonEmpty).min(1, "must list at least one location"),
        credentialsFile: nonEmpty.optional(),
        tags,
        apiEndpoint: httpUrl.default("https://composer.googleapis.com"),
        environmentAccess: accessSchema.optional(),
      }),
    )
    .default([]),
});

export const configFileSchema = z.strictObject({
  refresh: z
    .strictObject({ health: refreshField("health"), runs: refreshField("runs"), dags: refreshField("dags") })
    .default(REFRESH_DEFAULTS),
  timeoutSeconds: z.number().positive("must be positive").max(300, "must be at most 300").default(DEFAULT_TIMEOUT_SECONDS),
  environments: z.array(environment).default([]),
  discovery: discovery.default({ mwaa: [], composer: [] }),
  /** Sign-in, roles and display tokens (lib/config/auth.ts). */
  auth: authSchema.optional(),
  /** Alerts and expectations (lib/config/alerts.ts, contract §8). */
  alerts: alertsSchema.optional(),
  /** History storage (contract §7; lib/config/storage.ts). */
  storage: storageSchema.optional(),
  retention: retentionSchema.default({ rawHours: 48, hourlyDays: 90, dailyDays: 400 }),
  /** `GET /metrics` (contract §9): with authentication on, scrapers send `Bearer <$tokenEnv>`. */
  metrics: z.strictObject({ tokenEnv: envVarName }).optional(),
  /** Acting from the board (contract §12): trigger, clear, pause; operators only. */
  actions: z.strictObject({ enabled: z.boolean().default(false) }).default({ enabled: false }),
});

export type ConfigFile = z.infer<typeof configFileSchema>;
export type EnvironmentEntry = z.infer<typeof environment>;
