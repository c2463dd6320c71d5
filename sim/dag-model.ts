import { hashString, pick, rng } from "./random";

/**
 * The DAGs of one virtual environment: generated once from (seed, env id), sorted by dag_id as
 * Airflow lists them. Runs are not stored; they are computed from the schedule (see env-model.ts).
 */

export interface Schedule {
  periodMs: number;
  /** Slot instants are phaseMs + k * periodMs (epoch ms, UTC). */
  phaseMs: number;
  /** Cron expression, or null for a timedelta schedule. */
  cron: string | null;
  description: string;
}

export interface DagDef {
  index: number;
  dagId: string;
  team: string;
  owners: string[];
  tags: string[];
  description: string | null;
  /** Path relative to the DAGs folder. */
  fileRel: string;
  paused: boolean;
  /** Set when an API call paused the DAG: its runs stop at that instant instead of vanishing. */
  pausedAt?: number;
  /** Not seen by the DAG processor any more (v1 `is_active: false`, v2 `is_stale: true`). */
  stale: boolean;
  schedule: Schedule;
  /** Typical run duration; each run varies around it. */
  baseDurMs: number;
  /** Seed of the DAG's per-run values. */
  hash: number;
  parseDurationS: number;
}

export const TEAMS = ["sales", "marketing", "finance", "platform", "data-science"] as const;

const PREFIXES: Record<string, string[]> = {
  sales: ["sales", "orders", "crm", "revenue", "pricing"],
  marketing: ["campaign", "ads", "email", "attribution", "seo"],
  finance: ["billing", "ledger", "invoices", "payments", "tax"],
  platform: ["infra", "logs", "metrics", "backup", "audit"],
  "data-science": ["features", "model", "training", "scoring", "experiments"],
};
const SUBJECTS = ["daily", "hourly", "customer", "product", "events", "inventory", "sessions", "forecast", "churn", "clicks",
  "accounts", "partners", "region", "web", "mobile", "store", "supplier", "returns", "refunds", "leads"];
const VERBS = ["load", "sync", "export", "aggregate", "refresh", "cleanup", "ingest", "transform", "report", "snapshot",
  "dedupe", "validate", "publish", "backfill", "rollup"];
const EXTRA_TAGS = ["etl", "reporting", "ml", "critical", "pii", "external", "sla"];

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

const pad2 = (n: number) => String(n).padStart(2, "0");

function makeSchedule(r: () => number): { schedule: Schedule; baseDurMs: number } {
  const x = r();
  if (x < 0.15) {
    return { schedule: { periodMs: 5 * MIN, phaseMs: 0, cron: "*/5 * * * *", description: "Every 5 minutes" }, baseDurMs: 20_000 + r() * 100_000 };
  }
  if (x < 0.55) {
    const m = Math.floor(r() * 60);
    return {
      schedule: { periodMs: HOUR, phaseMs: m * MIN, cron: m === 0 ? "@hourly" : `${m} * * * *`, description: `At ${m} minutes past the hour` },
      baseDurMs: MIN + r() * 9 * MIN,
    };
  }
  if (x < 0.75) {
    const m = Math.floor(r() * 60);
    const h = Math.floor(r() * 6);
    const cron = r() < 0.5;
    return {
      schedule: cron
        ? { periodMs: 6 * HOUR, phaseMs: m * MIN, cron: `${m} */6 * * *`, description: `At ${m} minutes past the hour, every 6 hours` }
        : { periodMs: 6 * HOUR, phaseMs: h * HOUR + m * MIN, cron: null, description: "" },
      baseDurMs: 5 * MIN + r() * 25 * MIN,
    };
  }
  const h = Math.floor(r() * 24);
  const m = Math.floor(r() * 12) * 5;
  return {
    schedule: { periodMs: DAY, phaseMs: h * HOUR + m * MIN, cron: m === 0 && h === 0 ? "@daily" : `${m} ${h} * * *`, description: `At ${pad2(h)}:${pad2(m)}` },
    baseDurMs: 10 * MIN + r() * 50 * MIN,
  };
}

/**
 * Generates `count` active DAGs plus a few stale ones. `team` fixes the naming domain; without it
 * the DAGs are spread over every team.
 */
export function generateDags(seed: number, envId: string, count: number, team?: string): DagDef[] {
  const r = rng(hashString(`${seed}:${envId}:dags`));
  const used = new Set<string>();
  const staleCount = count > 0 ? Math.max(1, Math.floor(count / 40)) : 0;
  const out: Omit<DagDef, "index">[] = [];
  for (let i = 0; i < count + staleCount; i++) {
    const stale = i >= count;
    const t = team && PREFIXES[team] ? team : TEAMS[i % TEAMS.length];
    let dagId = "";
    for (let attempt = 0; attempt < 6 && (!dagId || used.has(dagId)); attempt++) {
      dagId = `${stale ? "legacy_" : ""}${pick(r, PREFIXES[t])}_${pick(r, SUBJECTS)}_${pick(r, VERBS)}`;
    }
    if (used.has(dagId)) dagId = `${dagId}_${i}`;
    used.add(dagId);
    const { schedule, baseDurMs } = makeSchedule(r);
    const tags = [t, pick(r, EXTRA_TAGS)];
    if (r() < 0.3) tags.push(pick(r, EXTRA_TAGS));
    out.push({
      dagId,
      team: t,
      owners: [pick(r, ["airflow", `${t}-eng`, "data-platform", "analytics"])],
      tags: [...new Set(tags)],
      description: r() < 0.3 ? null : `${dagId.replace(/_/g, " ")} for the ${t} team`,
      fileRel: `${t}/${dagId}.py`,
      paused: !stale && r() < 0.1,
      stale,
      schedule,
      // Runs never overlap: a run ends well before the next slot (see env-model.ts).
      baseDurMs: Math.round(Math.min(baseDurMs, schedule.periodMs * 0.4)),
      hash: hashString(`${seed}:${envId}:${dagId}`),
      parseDurationS: Math.round((0.2 + r() * 2.5) * 1000) / 1000,
    });
  }
  out.sort((a, b) => (a.dagId < b.dagId ? -1 : a.dagId > b.dagId ? 1 : 0));
  return out.map((d, index) => ({ ...d, index }));
}
