import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { createServer as createNetServer, type AddressInfo, type Server as NetServer } from "node:net";
import { ensureSimCaSync, issueServerCert } from "../tls";
import type { PlaneFactory, ScenarioName, SimPlane } from "../types";
import { createControlPlane } from "./control-plane";
import {
  envOptions,
  isMwaaScenario,
  SIM_ACCESS_KEY_ID,
  SIM_ACCOUNT,
  SIM_CALLER_ARN,
  SIM_REGION,
  SIM_SECRET_ACCESS_KEY,
  type MwaaEnv,
  type MwaaState,
} from "./model";
import { createWebServerHandler } from "./web-server";

/**
 * The simulated Amazon MWAA: one control-plane listener (HTTP, SigV4-checked, with STS
 * AssumeRole) and one HTTPS web server per environment (certificate from the simulator CA, see
 * sim/tls.ts — clients trust it through NODE_EXTRA_CA_CERTS).
 *
 * Spec knobs (`spec.options`): `environmentName` (default the id), `region` (default us-east-1),
 * `account` (default 123456789012; any other account is reached through a role, and its config
 * entry gets `roleArn`), `access` (`web-login` | `rest-api` | `cli`, for the config entry), `status` (force
 * a control-plane Status, e.g. CREATE_FAILED), `sessionLifetimeS` (web login session, default 12 h).
 * Scenarios: the Airflow ones pass through to the virtual Airflow; `updating`, `unavailable`,
 * `access-denied`, `throttled` and `private-only` are the control plane's.
 */

/** The role the config uses for environments in accounts other than the test credentials'. */
export function simRoleArn(account: string): string {
  return `arn:aws:iam::${account}:role/flightboard-read`;
}

function listen(server: HttpServer | NetServer, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => resolve((server.address() as AddressInfo).port));
  });
}

function close(server: HttpServer | NetServer): Promise<void> {
  return new Promise((resolve) => {
    (server as HttpServer).closeAllConnections?.();
    server.close(() => resolve());
  });
}

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(host: string): Promise<number> {
  const s = createNetServer();
  const port = await listen(s, host);
  await close(s);
  return port;
}

export const startMwaaPlane: PlaneFactory = async (specs, ctx) => {
  const state: MwaaState = { envs: [], callers: new Map(), webTokens: new Map(), cliTokens: new Map(), sessions: new Map(), restApiCalls: new Map() };
  state.callers.set(SIM_ACCESS_KEY_ID, { accessKeyId: SIM_ACCESS_KEY_ID, secretAccessKey: SIM_SECRET_ACCESS_KEY, account: SIM_ACCOUNT, arn: SIM_CALLER_ARN });
  const servers: HttpServer[] = [];
  const urlHost = ctx.host.includes(":") ? `[${ctx.host}]` : ctx.host;
  const shutdown = async () => {
    for (const e of state.envs) e.va.close();
    await Promise.all(servers.map(close));
  };

  try {
    const ca = ensureSimCaSync();
    const cert = issueServerCert(ca);
    const seen = new Set<string>();
    for (const spec of specs) {
      const o = envOptions(spec);
      const key = `${o.account}/${o.region}/${o.name}`;
      if (seen.has(key)) throw new Error(`Simulator: MWAA environment ${o.name} appears twice in ${o.account} ${o.region}`);
      seen.add(key);
      const major = spec.airflowVersion.trim().startsWith("3") ? 3 : 2;
      const va = ctx.createVirtualAirflow({
        ...spec,
        // Airflow 3 checks the MWAA-issued JWT itself; Airflow 2 is guarded by the plane's session check.
        auth: major === 3 ? "jwt" : "basic",
        scenario: isMwaaScenario(spec.scenario) ? "healthy" : spec.scenario,
      });
      const env: MwaaEnv = {
        spec,
        ...o,
        va,
        scenario: spec.scenario,
        createdAtMs: ctx.clock.now() - 90 * 86_400_000,
        webPort: 0,
        closedPort: 0,
      };
      state.envs.push(env);
      const server = createHttpsServer({ ...cert }, createWebServerHandler(env, state, ctx));
      servers.push(server);
      env.server = server;
      env.webPort = await listen(server, ctx.host);
      env.closedPort = await closedPort(ctx.host);
    }
    const plane = createControlPlane(state, ctx);
    const cp = createHttpServer((req, res) => plane.handle(req, res));
    servers.push(cp);
    const cpPort = await listen(cp, ctx.host);

    const regions = (account: string) => [...new Set(state.envs.filter((e) => e.account === account).map((e) => e.region))].sort();
    const accounts = [...new Set(state.envs.map((e) => e.account))].sort((a, b) => (a === SIM_ACCOUNT ? -1 : b === SIM_ACCOUNT ? 1 : a.localeCompare(b)));

    const plane_: SimPlane = {
      configEntries: state.envs.map((e) => ({
        id: e.spec.id,
        ...(e.spec.name ? { name: e.spec.name } : {}),
        ...(e.spec.tags ? { tags: e.spec.tags } : {}),
        mwaa: {
          environmentName: e.name,
          region: e.region,
          access: e.access,
          ...(e.account !== SIM_ACCOUNT ? { roleArn: simRoleArn(e.account) } : {}),
        },
      })),
      processEnv: {
        AWS_ACCESS_KEY_ID: SIM_ACCESS_KEY_ID,
        AWS_SECRET_ACCESS_KEY: SIM_SECRET_ACCESS_KEY,
        AWS_REGION: state.envs[0]?.region ?? SIM_REGION,
        AWS_ENDPOINT_URL_MWAA: `http://${urlHost}:${cpPort}`,
        // Never wait for an instance-metadata service that is not there.
        AWS_EC2_METADATA_DISABLED: "true",
      },
      discovery: {
        mwaa: accounts.map((account) => ({
          regions: regions(account),
          ...(account !== SIM_ACCOUNT ? { roleArn: simRoleArn(account) } : {}),
        })),
      },
      close: shutdown,
      setScenario(id: string, scenario: ScenarioName): boolean {
        const env = state.envs.find((e) => e.spec.id === id);
        if (!env) return false;
        env.scenario = scenario;
        env.va.setScenario(isMwaaScenario(scenario) ? "healthy" : scenario);
        return true;
      },
      url(id: string): string | undefined {
        const env = state.envs.find((e) => e.spec.id === id);
        return env ? `https://${urlHost}:${env.webPort}` : undefined;
      },
    };
    return plane_;
  } catch (e) {
    await shutdown();
    throw e;
  }
};
