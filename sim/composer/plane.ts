import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PlaneContext, PlaneFactory, ScenarioName, SimEnvironmentSpec, SimPlane, VirtualAirflow } from "../types";
import { matchComposerRoute, sendGoogleError, serveComposerRoute, type ComposerApiEnvironment } from "./api";
import { GoogleTokenService } from "./google";
import { serveComposerWeb, type ComposerWebEnv } from "./web";

/**
 * The Cloud Composer plane of the simulator. One listener serves the Composer API
 * (`/v1/projects/…`), Google's OAuth token endpoint (`POST /token`, reached by rewriting
 * `oauth2.googleapis.com`) and the GCE metadata server (`/computeMetadata/v1/…`, reached through
 * `GCE_METADATA_HOST`); each environment gets its own web-server listener (its `airflowUri`).
 *
 * Spec options (all optional): `project` (default "flightboard-sim"), `location` ("us-central1"),
 * `environment` (the spec id), `composerGeneration` (1 | 2 | 3; default 1 for scenario `iap`,
 * else 3 for Airflow 3 and 2 for Airflow 2), `credentials` ("adc" | "key-file"; default "adc": the
 * config entry names no key file, so ADC finds the metadata server), `discoverOnly` (true: no
 * config entry, found only through discovery).
 */

/** Scenarios the plane plays itself; every other name goes to the virtual Airflow. */
export const COMPOSER_SCENARIOS = ["error-state", "updating", "no-airflow-user", "iap", "ip-blocked", "bad-credentials"] as const;
/** Stats key for requests no single environment can be charged with (shared tokens, list calls). */
export const COMPOSER_PLANE_STATS_ID = "composer-plane";

interface SimComposerEnv {
  spec: SimEnvironmentSpec;
  api: ComposerApiEnvironment;
  web: ComposerWebEnv;
  airflow: VirtualAirflow;
  server: Server;
  scenario: ScenarioName;
}

/** The plane plus what tests need to drive credentials. */
export interface ComposerPlane extends SimPlane {
  /** Origin of the token endpoint: rewrite `oauth2.googleapis.com` to it (google-auth-library's transporter). */
  tokenOrigin: string;
  /** `host:port` of the metadata server (the `GCE_METADATA_HOST` value). */
  metadataHost: string;
  apiEndpoint: string;
  /** A valid service-account key file (JSON), mode 0600, removed on close. */
  keyFile: string;
  /** A key file of a deleted service account: the token endpoint answers `invalid_grant`. */
  revokedKeyFile: string;
  /** Email of the key file's service account and of the metadata server's default account. */
  keyFileEmail: string;
  metadataEmail: string;
  tokens: GoogleTokenService;
  /** The IAP client id of a Composer 1 environment. */
  iapClientId(id: string): string | undefined;
}

function digest(...parts: Array<string | number>): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("hex");
}

function uuidFrom(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function composerImageVersion(generation: 1 | 2 | 3, airflowVersion: string): string {
  if (generation === 3) return `composer-3-airflow-${airflowVersion}-build.3`;
  if (generation === 2) return `composer-2.9.7-airflow-${airflowVersion}`;
  return `composer-1.20.12-airflow-${airflowVersion}`;
}

function stateFor(scenario: ScenarioName): string {
  return scenario === "error-state" ? "ERROR" : scenario === "updating" ? "UPDATING" : "RUNNING";
}

function isComposerScenario(s: ScenarioName): boolean {
  return (COMPOSER_SCENARIOS as readonly string[]).includes(s);
}

function listen(server: Server, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => resolve((server.address() as AddressInfo).port));
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function origin(host: string, port: number): string {
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

export const startComposerPlane = ((specs, ctx) => startPlane(specs, ctx)) satisfies PlaneFactory;

async function startPlane(specs: SimEnvironmentSpec[], ctx: PlaneContext): Promise<ComposerPlane> {
  const tokens = new GoogleTokenService({ projectId: "flightboard-sim" });
  const dir = mkdtempSync(join(tmpdir(), "flightboard-composer-"));
  const sa = tokens.createServiceAccount("flightboard-reader");
  const revoked = tokens.createServiceAccount("flightboard-deleted", { disabled: true });
  const keyFile = join(dir, "sa-key.json");
  const revokedKeyFile = join(dir, "sa-key-deleted.json");
  writeFileSync(keyFile, JSON.stringify(sa.keyFile, null, 2), { mode: 0o600 });
  writeFileSync(revokedKeyFile, JSON.stringify(revoked.keyFile, null, 2), { mode: 0o600 });
  // An empty gcloud config dir: ADC must not pick up a developer's own gcloud login in the demo.
  const gcloudDir = join(dir, "gcloud");
  mkdirSync(gcloudDir);

  const envs: SimComposerEnv[] = [];
  const byClientId = new Map<string, SimComposerEnv>();
  const created = Date.UTC(2024, 2, 11, 9, 30, 0) + (ctx.seed % 1000) * 60_000;

  for (const spec of specs) {
    const o = spec.options ?? {};
    const major = Number(spec.airflowVersion.split(".")[0]);
    const generation = ((o.composerGeneration as number | undefined) ?? (spec.scenario === "iap" ? 1 : major >= 3 ? 3 : 2)) as 1 | 2 | 3;
    const h = digest(ctx.seed, spec.id);
    const airflow = ctx.createVirtualAirflow(spec);
    const env = {
      spec,
      airflow,
      scenario: spec.scenario,
      server: createServer(),
    } as SimComposerEnv;
    airflow.setScenario(isComposerScenario(spec.scenario) ? "healthy" : spec.scenario);
    env.api = {
      project: String(o.project ?? "flightboard-sim"),
      location: String(o.location ?? "us-central1"),
      name: String(o.environment ?? spec.id),
      uuid: uuidFrom(h),
      generation,
      imageVersion: composerImageVersion(generation, spec.airflowVersion),
      airflowUri: "",
      state: stateFor(spec.scenario),
      createTime: new Date(created).toISOString(),
      updateTime: new Date(created + 3_600_000 + parseInt(h.slice(0, 6), 16)).toISOString(),
      labels: { ...(spec.tags ?? {}) },
    };
    env.web = {
      id: spec.id,
      generation,
      clientId: `${BigInt(`0x${h.slice(0, 12)}`).toString().padStart(12, "0").slice(0, 12)}-${h.slice(12, 44)}.apps.googleusercontent.com`,
      airflow,
      composerScenario: () => (isComposerScenario(env.scenario) ? env.scenario : null),
      state: () => env.api.state,
    };
    env.server.on("request", (req: IncomingMessage, res: ServerResponse) =>
      serveComposerWeb(req, res, env.web, tokens, (route) => ctx.count(spec.id, route)),
    );
    const port = await listen(env.server, ctx.host);
    env.api.airflowUri = origin(ctx.host, port);
    envs.push(env);
    if (generation === 1) byClientId.set(env.web.clientId, env);
  }

  const apiEnvs = envs.map((e) => e.api);
  const envFor = (route: { project: string; location: string; name?: string }) =>
    envs.find((e) => e.api.project === route.project && e.api.location === route.location && e.api.name === route.name);

  const controlPlane = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://composer.googleapis.com");
    const routeKey = `${req.method ?? "GET"} ${url.pathname}`;
    if (url.pathname === "/token") {
      void tokens.handleTokenEndpoint(req, res).then((info) => {
        const env = info.audience ? byClientId.get(info.audience) : undefined;
        ctx.count(env?.spec.id ?? COMPOSER_PLANE_STATS_ID, routeKey);
      });
      return;
    }
    if (url.pathname.startsWith("/computeMetadata/")) {
      const info = tokens.handleMetadata(req, res);
      const env = info.audience ? byClientId.get(info.audience) : undefined;
      ctx.count(env?.spec.id ?? COMPOSER_PLANE_STATS_ID, routeKey);
      return;
    }
    const route = matchComposerRoute(req.method ?? "GET", url.pathname);
    const env = route?.op === "get" ? envFor(route) : undefined;
    ctx.count(env?.spec.id ?? COMPOSER_PLANE_STATS_ID, route?.routeKey ?? routeKey);
    if (!route) return sendGoogleError(res, 404, `Method not found: ${url.pathname}`);
    const auth = req.headers.authorization;
    const check = tokens.checkAccessToken(auth?.startsWith("Bearer ") ? auth.slice(7) : undefined);
    if (!check.ok) {
      return sendGoogleError(
        res,
        401,
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
      );
    }
    serveComposerRoute(req, res, route, apiEnvs);
  });
  const cpPort = await listen(controlPlane, ctx.host);
  const cpOrigin = origin(ctx.host, cpPort);
  const metadataHost = `${ctx.host.includes(":") ? `[${ctx.host}]` : ctx.host}:${cpPort}`;

  const configEntries = envs
    .filter((e) => e.spec.options?.discoverOnly !== true)
    .map((e) => {
      const composer: Record<string, unknown> = {
        project: e.api.project,
        location: e.api.location,
        environment: e.api.name,
        apiEndpoint: cpOrigin,
      };
      if (e.spec.options?.credentials === "key-file") composer.credentialsFile = keyFile;
      if (e.api.generation === 1) composer.iapClientId = e.web.clientId;
      const entry: Record<string, unknown> = { id: e.spec.id, composer };
      if (e.spec.name) entry.name = e.spec.name;
      if (e.spec.tags && Object.keys(e.spec.tags).length) entry.tags = e.spec.tags;
      return entry;
    });

  const projects = new Map<string, Set<string>>();
  for (const e of envs) {
    if (!projects.has(e.api.project)) projects.set(e.api.project, new Set());
    projects.get(e.api.project)!.add(e.api.location);
  }
  const discovery = envs.length
    ? { composer: [...projects].map(([project, locations]) => ({ project, locations: [...locations].sort(), apiEndpoint: cpOrigin })) }
    : undefined;

  return {
    configEntries,
    processEnv: envs.length
      ? {
          GCE_METADATA_HOST: metadataHost,
          // ADC order is GOOGLE_APPLICATION_CREDENTIALS, gcloud's well-known file, then the metadata
          // server: blank the first two so the simulated VM identity is what ADC finds.
          GOOGLE_APPLICATION_CREDENTIALS: "",
          CLOUDSDK_CONFIG: gcloudDir,
        }
      : {},
    discovery,
    tokenOrigin: cpOrigin,
    metadataHost,
    apiEndpoint: cpOrigin,
    keyFile,
    revokedKeyFile,
    keyFileEmail: sa.account.email,
    metadataEmail: tokens.defaultAccount.email,
    tokens,
    iapClientId: (id) => {
      const e = envs.find((x) => x.spec.id === id);
      return e && e.api.generation === 1 ? e.web.clientId : undefined;
    },
    setScenario(id, scenario) {
      const env = envs.find((e) => e.spec.id === id);
      if (!env) return false;
      env.scenario = scenario;
      env.api.state = stateFor(scenario);
      env.airflow.setScenario(isComposerScenario(scenario) ? "healthy" : scenario);
      return true;
    },
    url(id) {
      return envs.find((e) => e.spec.id === id)?.api.airflowUri;
    },
    async close() {
      for (const e of envs) e.airflow.close();
      await Promise.all([controlPlane, ...envs.map((e) => e.server)].map(closeServer));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
