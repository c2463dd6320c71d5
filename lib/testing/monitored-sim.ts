import { validateConfig } from "@/lib/config/load";
import { createComposerConnector } from "@/lib/airflow/composer/connector";
import type { GoogleTokenSources } from "@/lib/airflow/composer/google-auth";
import type { CallLimits } from "@/lib/airflow/transport";
import type { EnvironmentConfig, FlightboardConfig, RefreshConfig } from "@/lib/config/types";
import { FakeClock } from "@/lib/monitor/clock";
import { createConnectorForEnvironment } from "@/lib/monitor/connectors";
import { FleetMonitor, type MonitorOptions } from "@/lib/monitor/monitor";
import { startSimulator, type SimConfig, type SimEnvironmentSpec, type Simulator, type StartOptions } from "@/sim/index";

/**
 * Test wiring shared by the integration tests: the simulator, its configuration through the real
 * loader, and a monitor with the real connectors, all on one fake clock, with the first polls done.
 */
export interface MonitoredSim {
  sim: Simulator;
  monitor: FleetMonitor;
  clock: FakeClock;
  config: FlightboardConfig;
  close(): Promise<void>;
}

export interface MonitoredSimOptions extends Omit<StartOptions, "environments" | "clock"> {
  refresh?: SimConfig["refresh"];
  timeoutSeconds?: number;
  /** Edits the simulator's configuration before it is validated (extra entries, discovery…). */
  edit?: (raw: SimConfig) => void;
  monitor?: Partial<Omit<MonitorOptions, "config" | "clock">>;
  clock?: FakeClock;
  /** Runs once the simulator is up, before the monitor starts (e.g. to add to `sim.processEnv`). */
  beforeMonitor?: (sim: Simulator) => void;
  /**
   * Puts `sim.processEnv` (control-plane endpoints, test credentials, GCE_METADATA_HOST) into
   * process.env before the monitor starts, where the cloud SDKs' default chains look; `close()`
   * puts back what was there.
   */
  useProcessEnv?: boolean;
}

export async function startMonitoredSim(environments: SimEnvironmentSpec[], opts: MonitoredSimOptions = {}): Promise<MonitoredSim> {
  const { refresh, timeoutSeconds, edit, beforeMonitor, useProcessEnv, monitor: monitorOpts, clock = new FakeClock(Date.now()), ...simOpts } = opts;
  const sim = await startSimulator({ ...simOpts, environments, clock });
  beforeMonitor?.(sim);
  const restoreEnv = useProcessEnv ? overlayProcessEnv(sim.processEnv) : () => {};
  const raw = structuredClone(sim.config);
  if (refresh) raw.refresh = refresh;
  if (timeoutSeconds !== undefined) raw.timeoutSeconds = timeoutSeconds;
  edit?.(raw);
  const config = validateConfig(raw, "test", sim.processEnv);
  const monitor = new FleetMonitor({ config, clock, createConnector: createConnectorForEnvironment, ...monitorOpts });
  monitor.start();
  await clock.advance(0);
  await monitor.settle();
  return {
    sim,
    monitor,
    clock,
    config,
    async close() {
      monitor.stop();
      restoreEnv();
      await sim.close();
    },
  };
}

/** Sets these variables in process.env; the function returned puts back what was there before. */
function overlayProcessEnv(vars: Record<string, string>): () => void {
  const before = Object.keys(vars).map((k) => [k, process.env[k]] as const);
  Object.assign(process.env, vars);
  return () => {
    for (const [k, v] of before) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

/** The production connector factory, with Composer environments on a test's own token sources. */
export function connectorsWithTokenSources(tokenSources: GoogleTokenSources) {
  return (env: EnvironmentConfig, limits: CallLimits, refresh?: RefreshConfig) => {
    const t = env.target;
    if (t.kind !== "composer") return createConnectorForEnvironment(env, limits, refresh);
    return createComposerConnector({ ...t, limits, uiUrl: env.uiUrl, tokenSources });
  };
}
