import type { DagRun } from "@/lib/airflow/types";
import type { ExpectationConfig } from "@/lib/config/alerts";
import type { EnvironmentSnapshot } from "@/lib/monitor/snapshot";
import { globMatch } from "./match";
import type { DagView, EnvView, RunView } from "./view";

/**
 * Views of the monitor's snapshot for evaluation, plus the one bounded per-DAG read alerting may
 * cause: a DAG under a success-based expectation (finishBy, freshness) whose last success the
 * incremental run stream has not seen gets its newest runs read once through the monitor's
 * single-flight `dagRuns`, at most `maxLookupsPerPass` per pass, counted in `lookups`.
 */

export interface MonitorLike {
  environments(): readonly EnvironmentSnapshot[];
  dagRuns(id: string, dagId: string, limit: number): Promise<DagRun[]>;
}

const LOOKUP_RUNS = 25;
const RETRY_MS = 60_000;

const runView = (r: DagRun | undefined): RunView | null =>
  r ? { runId: r.runId, state: r.state, logicalDate: r.logicalDate, startDate: r.startDate, endDate: r.endDate } : null;

export class MonitorViews {
  /** `env\0dag` → what its lookup found: in flight, no success, the success, or failed (retry after). */
  private readonly looked = new Map<string, { state: "pending" | "none" | "found" | "failed"; run?: RunView; at: number }>();
  /** Per-DAG reads made so far (the figure the issue asks to measure). */
  lookups = 0;

  constructor(
    private readonly monitor: MonitorLike,
    private readonly expectations: readonly ExpectationConfig[],
    private readonly maxLookupsPerPass = 10,
  ) {}

  views(): EnvView[] {
    let budget = this.maxLookupsPerPass;
    const wantsSuccess = this.expectations.filter((e) => e.kind === "finishBy" || e.kind === "freshness");
    return this.monitor.environments().map((env) => {
      const s = env.summary;
      const dags = env.dags;
      const dag = (dagId: string): DagView | undefined => {
        const d = dags?.get(dagId);
        if (!d) return undefined;
        const success = env.runs.lastSuccess(dagId);
        let lastSuccess: RunView | null | undefined = runView(success);
        if (!success) {
          const key = `${env.id}\u0000${dagId}`;
          const got = this.looked.get(key);
          if (got?.state === "none") lastSuccess = null;
          else if (got?.state === "found") lastSuccess = got.run;
          else {
            lastSuccess = undefined;
            const expected = wantsSuccess.some((e) => globMatch(e.environment, env.id) && globMatch(e.dag, dagId));
            const may = got === undefined || (got.state === "failed" && Date.now() - got.at > RETRY_MS);
            if (expected && may && budget > 0 && env.runsLoaded) {
              budget--;
              this.lookup(env.id, dagId, key);
            }
          }
        }
        return { dagId, paused: d.paused, active: d.active, nextRunAfter: d.nextRunAfter ?? null, newestRun: runView(env.runs.newestRun(dagId)), lastSuccess };
      };
      return {
        id: s.id,
        name: s.name,
        tags: s.tags,
        status: s.status,
        reasons: s.reasons,
        stale: s.stale,
        polled: env.checkedAt !== null,
        uiUrl: s.uiUrl,
        apiVersion: s.apiVersion,
        importErrors: env.importErrors ? env.importErrors.length : null,
        failingDags: dags && env.runsLoaded ? env.failingDags().map((f) => f.dagId) : null,
        dagIds: () => (dags ? dags.keys() : null),
        dag,
      };
    });
  }

  private lookup(environmentId: string, dagId: string, key: string): void {
    this.looked.set(key, { state: "pending", at: Date.now() });
    this.lookups++;
    this.monitor.dagRuns(environmentId, dagId, LOOKUP_RUNS).then(
      (runs) => {
        // Kept here rather than fed into the monitor: alerting reads the snapshot, never writes it.
        // A newer success arrives through the monitor's run stream and wins (see `dag`).
        const ok = runs.filter((r) => r.state === "success").sort((a, b) => Date.parse(b.endDate ?? b.startDate ?? "") - Date.parse(a.endDate ?? a.startDate ?? ""))[0];
        this.looked.set(key, ok ? { state: "found", run: runView(ok)!, at: Date.now() } : { state: "none", at: Date.now() });
      },
      // A failed read is retried a minute later, not on every pass.
      () => this.looked.set(key, { state: "failed", at: Date.now() }),
    );
  }
}
