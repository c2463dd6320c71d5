import type { SimEnvironmentSpec } from "../types";

/**
 * MWAA environments for the demo fleet (contract §6): Airflow 2 and 3 (MWAA's own version
 * numbers), all three access modes (one 2.2.2 environment, which has no REST API, read through the
 * Airflow CLI), two teams, two regions, one environment in a second account reached
 * through a role, and one in the middle of an update. Ids do not collide with `demoFleet()`.
 */
export const MWAA_DEMO_ENVIRONMENTS: SimEnvironmentSpec[] = [
  {
    id: "logistics-prod", name: "Logistics (prod, MWAA)", kind: "mwaa", tags: { team: "logistics", stage: "prod", cloud: "aws" },
    airflowVersion: "2.10.3", scenario: "healthy", dagCount: 55,
    options: { environmentName: "logistics-prod", region: "eu-west-1", access: "web-login", recoveringDag: true },
  },
  {
    id: "logistics-staging", name: "Logistics (staging, MWAA)", kind: "mwaa", tags: { team: "logistics", stage: "staging", cloud: "aws" },
    airflowVersion: "3.0.6", scenario: "updating", dagCount: 25,
    options: { environmentName: "logistics-staging", region: "eu-west-1", access: "web-login" },
  },
  {
    id: "analytics-prod", name: "Analytics (prod, MWAA)", kind: "mwaa", tags: { team: "analytics", stage: "prod", cloud: "aws" },
    airflowVersion: "3.0.6", scenario: "failing-dags", dagCount: 40,
    options: { environmentName: "analytics-prod", region: "us-east-1", access: "web-login", account: "210987654321" },
  },
  {
    id: "analytics-reporting", name: "Analytics reporting (MWAA, REST API)", kind: "mwaa", tags: { team: "analytics", stage: "prod", cloud: "aws" },
    airflowVersion: "2.11.0", scenario: "healthy", dagCount: 18,
    options: { environmentName: "analytics-reporting", region: "us-east-1", access: "rest-api" },
  },
  {
    id: "analytics-dev", name: "Analytics (dev, MWAA)", kind: "mwaa", tags: { team: "analytics", stage: "dev", cloud: "aws" },
    airflowVersion: "3.0.6", scenario: "import-errors", dagCount: 12,
    options: { environmentName: "analytics-dev", region: "us-east-1", access: "rest-api" },
  },
  {
    id: "logistics-legacy", name: "Logistics legacy (MWAA 2.2.2, CLI)", kind: "mwaa", tags: { team: "logistics", stage: "prod", cloud: "aws" },
    airflowVersion: "2.2.2", scenario: "healthy", dagCount: 10,
    options: { environmentName: "logistics-legacy", region: "eu-west-1", access: "cli", recoveringDag: true },
  },
];
