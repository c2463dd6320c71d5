import { COMPOSER_DEMO_ENVIRONMENTS } from "./composer/demo";
import { MWAA_DEMO_ENVIRONMENTS } from "./mwaa/demo";
import type { SimEnvironmentSpec } from "./types";

/**
 * The demo fleet (contract §6): 14 Airflow environments over five teams and three stages, Airflow
 * 2 and 3, every auth kind, mostly healthy, a few in trouble, and one DAG that fails and recovers.
 */
export function demoFleet(): SimEnvironmentSpec[] {
  const env = (id: string, name: string, team: string, stage: string, airflowVersion: string, auth: SimEnvironmentSpec["auth"],
    scenario: SimEnvironmentSpec["scenario"], extra: Partial<SimEnvironmentSpec> = {}): SimEnvironmentSpec =>
    ({ id, name, tags: { team, stage }, airflowVersion, auth, scenario, ...extra });
  return [
    env("sales-prod", "Sales (prod)", "sales", "prod", "2.10.5", "basic", "healthy", { dagCount: 60 }),
    env("sales-staging", "Sales (staging)", "sales", "staging", "3.1.7", "jwt", "failing-dags"),
    env("sales-dev", "Sales (dev)", "sales", "dev", "3.2.0", "none", "healthy", { dagCount: 15 }),
    env("marketing-prod", "Marketing (prod)", "marketing", "prod", "3.2.0", "jwt", "healthy", { dagCount: 80, options: { recoveringDag: true } }),
    env("marketing-staging", "Marketing (staging)", "marketing", "staging", "2.10.5", "basic", "import-errors"),
    env("finance-prod", "Finance (prod)", "finance", "prod", "2.11.0", "bearer", "healthy", { dagCount: 50, pathPrefix: "/airflow" }),
    env("finance-staging", "Finance (staging)", "finance", "staging", "3.1.7", "jwt", "scheduler-down"),
    env("finance-dev", "Finance (dev)", "finance", "dev", "2.10.5", "none", "healthy", { dagCount: 12 }),
    env("platform-prod", "Platform (prod)", "platform", "prod", "3.2.0", "jwt", "healthy", { dagCount: 120 }),
    env("platform-staging", "Platform (staging)", "platform", "staging", "2.11.0", "basic", "triggerer-down"),
    env("platform-dev", "Platform (dev)", "platform", "dev", "3.2.0", "bearer", "flapping", { dagCount: 20 }),
    env("data-science-prod", "Data Science (prod)", "data-science", "prod", "2.10.5", "basic", "healthy", { dagCount: 45 }),
    env("data-science-staging", "Data Science (staging)", "data-science", "staging", "3.2.0", "jwt", "slow"),
    env("data-science-dev", "Data Science (dev)", "data-science", "dev", "2.11.0", "none", "healthy", { dagCount: 10 }),
  ];
}

/** The whole demo fleet of demo mode: the Airflow environments plus MWAA and Composer ones. */
export function fullDemoFleet(): SimEnvironmentSpec[] {
  return [...demoFleet(), ...MWAA_DEMO_ENVIRONMENTS, ...COMPOSER_DEMO_ENVIRONMENTS];
}

const TEAMS = ["sales", "marketing", "finance", "platform", "data-science"];
const STAGES = ["prod", "staging", "dev"];
const VERSIONS = ["2.10.5", "3.2.0", "2.11.0", "3.1.7"];

/** A generated fleet of `n` environments for load tests: Airflow 2 and 3 alternate, all one scenario. */
export function generatedFleet(n: number, dagCount: number | undefined, scenario: SimEnvironmentSpec["scenario"]): SimEnvironmentSpec[] {
  return Array.from({ length: n }, (_, i) => {
    const team = TEAMS[i % TEAMS.length];
    const stage = STAGES[Math.floor(i / TEAMS.length) % STAGES.length];
    const airflowVersion = VERSIONS[i % VERSIONS.length];
    const id = `${team}-${stage}-${String(i + 1).padStart(3, "0")}`;
    const title = team.split("-").map((w) => w[0].toUpperCase() + w.slice(1)).join(" ");
    return { id, name: `${title} (${stage}) ${i + 1}`, tags: { team, stage }, airflowVersion, scenario, ...(dagCount === undefined ? {} : { dagCount }) };
  });
}
