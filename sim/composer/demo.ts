import type { SimEnvironmentSpec } from "../types";

/**
 * Composer environments of the demo fleet: one per generation. They use Application Default
 * Credentials, which find the simulated metadata server through `GCE_METADATA_HOST` (the plane's
 * `processEnv`), exactly as Flightboard would on a Google Cloud VM or GKE pod.
 */
export const COMPOSER_DEMO_ENVIRONMENTS: SimEnvironmentSpec[] = [
  {
    id: "composer-marketing-prod", name: "Marketing (Composer 2, prod)", kind: "composer", tags: prodOnGcp("marketing"),
    airflowVersion: "2.9.3", scenario: "healthy", dagCount: 35,
    options: { project: "acme-marketing", location: "us-central1", environment: "marketing-prod", composerGeneration: 2, recoveringDag: true },
  },
  {
    id: "composer-ml-platform", name: "ML platform (Composer 3, Airflow 3)", kind: "composer", tags: prodOnGcp("ml"),
    airflowVersion: "3.1.0", scenario: "failing-dags", dagCount: 25,
    options: { project: "acme-ml", location: "europe-west1", environment: "ml-platform", composerGeneration: 3 },
  },
  {
    id: "composer-legacy-reports", name: "Legacy reports (Composer 1, IAP)", kind: "composer", tags: prodOnGcp("finance"),
    airflowVersion: "2.4.3", scenario: "iap", dagCount: 12,
    options: { project: "acme-finance", location: "us-east1", environment: "legacy-reports", composerGeneration: 1 },
  },
];

function prodOnGcp(team: string): Record<string, string> {
  return { team, stage: "prod", cloud: "gcp" };
}
