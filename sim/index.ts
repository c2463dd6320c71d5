/**
 * The Airflow fleet simulator: virtual Airflow 2 (`/api/v1`) and Airflow 3 (`/api/v2`) web servers
 * on loopback, each running a named scenario on a seeded, injectable clock. MWAA and Composer
 * environments are served by planes (sim/mwaa/plane.ts, sim/composer/plane.ts) built on
 * `PlaneContext.createVirtualAirflow`.
 */
export type {
  AuthRejection,
  HandleOptions,
  PlaneContext,
  PlaneFactory,
  ScenarioName,
  SimClock,
  SimConfig,
  SimEnvironmentSpec,
  SimPlane,
  SimStats,
  Simulator,
  StartOptions,
  VirtualAirflow,
} from "./types";
export { startSimulator } from "./simulator";
export { demoFleet, fullDemoFleet, generatedFleet } from "./demo-fleet";
