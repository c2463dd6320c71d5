"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { DagRunDto } from "@/lib/monitor/dto";
import { fetchJson } from "@/lib/queries/fetch-json";

/**
 * Actions from the pages (issue 15): each button asks for a confirmation that says exactly what
 * will happen where, sends one same-origin JSON request, and says the result in words. People who
 * may not act see the buttons disabled with the server's reason. Nothing is retried automatically.
 */

export interface ActPermission {
  allowed: boolean;
  reason: string | null;
  frozen: { since: string; by: string; dags: number } | null;
}

const permissionKey = (id: string) => ["actions", id] as const;

export function usePermission(id: string) {
  return useQuery({
    queryKey: permissionKey(id),
    queryFn: ({ signal }) => fetchJson<ActPermission>(`/api/v1/environments/${encodeURIComponent(id)}/actions`, signal),
    staleTime: 30_000,
  });
}

export async function send(path: string, method: "POST" | "PATCH", body: unknown): Promise<{ ok: boolean; json: Record<string, unknown> }> {
  try {
    const res = await fetch(path, { method, headers: { "content-type": "application/json", accept: "application/json" }, body: JSON.stringify(body), cache: "no-store" });
    const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    return { ok: res.ok, json };
  } catch {
    return { ok: false, json: { error: { message: "the board did not answer; the action may or may not have been sent: check before trying again" } } };
  }
}

export function errorText(json: Record<string, unknown>): string {
  return (json.error as { message?: string } | undefined)?.message ?? "the action failed";
}

interface ActionButtonProps {
  label: string;
  /** Exactly what will happen, and where. */
  confirm: string;
  permission: ActPermission | undefined;
  run: () => Promise<{ ok: boolean; text: string }>;
  danger?: boolean;
  /** false: the reason only as a tooltip (rows of a table, which say it once above). */
  showWhy?: boolean;
}

export function ActionButton({ label, confirm, permission, run, danger, showWhy = true }: ActionButtonProps) {
  const [stage, setStage] = useState<"idle" | "confirm" | "busy">("idle");
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const allowed = permission?.allowed === true;
  const reason = permission ? permission.reason : "checking whether you may act…";
  return (
    <span className="action" data-testid="action">
      <button
        type="button"
        className={`action-btn${danger ? " danger" : ""}`}
        disabled={!allowed || stage !== "idle"}
        title={allowed ? undefined : reason ?? undefined}
        onClick={() => {
          setResult(null);
          setStage("confirm");
        }}
      >
        {label}
      </button>
      {!allowed && reason && showWhy && <span className="action-why muted">{reason}</span>}
      {stage !== "idle" && (
        <span className="action-confirm" role="dialog" aria-label={`Confirm: ${label}`}>
          <span>{confirm}</span>
          <button
            type="button"
            className="action-btn danger"
            disabled={stage === "busy"}
            onClick={async () => {
              setStage("busy");
              setResult(await run());
              setStage("idle");
            }}
          >
            {stage === "busy" ? "Sending…" : "Confirm"}
          </button>
          <button type="button" className="action-btn" disabled={stage === "busy"} onClick={() => setStage("idle")}>
            Cancel
          </button>
        </span>
      )}
      {result && (
        <span role="status" className={result.ok ? "action-ok" : "action-fail"}>
          {result.text}
        </span>
      )}
    </span>
  );
}

const envPath = (id: string) => `/api/v1/environments/${encodeURIComponent(id)}`;
const dagPath = (id: string, dagId: string) => `${envPath(id)}/dags/${encodeURIComponent(dagId)}`;

/** Re-run the failed tasks of one run (failing-DAG rows and the DAG page). */
export function ClearButton({ id, envName, dagId, runId, permission, showWhy }: { id: string; envName: string; dagId: string; runId: string; permission: ActPermission | undefined; showWhy?: boolean }) {
  const qc = useQueryClient();
  return (
    <ActionButton
      label="Re-run failed tasks"
      permission={permission}
      showWhy={showWhy}
      confirm={`Clear the failed task instances of run ${runId} of ${dagId} in ${envName}, so Airflow runs them again?`}
      run={async () => {
        const r = await send(`${dagPath(id, dagId)}/runs/${encodeURIComponent(runId)}/clear`, "POST", { onlyFailed: true });
        if (!r.ok) return { ok: false, text: `Not done: ${errorText(r.json)}` };
        void qc.invalidateQueries({ queryKey: ["environment", id] });
        const n = Number(r.json.cleared ?? 0);
        return { ok: true, text: n === 0 ? "Airflow found no failed tasks to clear in that run." : `Airflow cleared ${n} failed task${n === 1 ? "" : "s"}; they will run again.` };
      }}
    />
  );
}

/** The DAG page: trigger, re-run the latest run's failed tasks, pause or resume. */
export function DagActions({ id, envName, dagId, paused, latest, runsKey }: {
  id: string; envName: string; dagId: string; paused: boolean | undefined; latest: DagRunDto | undefined; runsKey: readonly unknown[];
}) {
  const qc = useQueryClient();
  const permission = usePermission(id).data;
  return (
    <div className="actions-bar" data-testid="dag-actions">
      <ActionButton
        label="Trigger run"
        permission={permission}
        confirm={`Start a new run of ${dagId} in ${envName} now (empty conf)?`}
        run={async () => {
          const r = await send(`${dagPath(id, dagId)}/runs`, "POST", { conf: {} });
          if (!r.ok) return { ok: false, text: `Not triggered: ${errorText(r.json)}` };
          const run = r.json as unknown as DagRunDto;
          // The new run shows at once; the list refreshes from Airflow later.
          qc.setQueryData(runsKey, (old: { runs: DagRunDto[] } | undefined) => (old ? { runs: [run, ...old.runs.filter((x) => x.runId !== run.runId)] } : old));
          return { ok: true, text: `Airflow created run ${run.runId} (${run.state}).` };
        }}
      />
      {latest?.state === "failed" && <ClearButton id={id} envName={envName} dagId={dagId} runId={latest.runId} permission={permission} />}
      {paused !== undefined && (
        <ActionButton
          label={paused ? "Resume DAG" : "Pause DAG"}
          permission={permission}
          danger={!paused}
          confirm={paused ? `Resume ${dagId} in ${envName}: the scheduler starts creating runs again?` : `Pause ${dagId} in ${envName}: no new scheduled runs until resumed?`}
          run={async () => {
            const r = await send(dagPath(id, dagId), "PATCH", { paused: !paused });
            if (!r.ok) return { ok: false, text: `Not done: ${errorText(r.json)}` };
            void qc.invalidateQueries({ queryKey: ["dags", id] });
            return { ok: true, text: `Airflow says ${dagId} is now ${(r.json.paused as boolean) ? "paused" : "active"}.` };
          }}
        />
      )}
    </div>
  );
}

/** The environment page: freeze (pause every active DAG) or thaw (resume exactly those). */
export function EnvironmentActions({ id, envName, activeDags }: { id: string; envName: string; activeDags: number | null }) {
  const qc = useQueryClient();
  const perm = usePermission(id);
  const frozen = perm.data?.frozen ?? null;
  return (
    <div className="actions-bar" data-testid="env-actions">
      {frozen ? (
        <ActionButton
          label="Thaw environment"
          permission={perm.data}
          confirm={`Resume exactly the ${frozen.dags} DAGs the freeze paused in ${envName} (DAGs paused before the freeze stay paused)?`}
          run={async () => {
            const r = await send(`${envPath(id)}/thaw`, "POST", {});
            void qc.invalidateQueries({ queryKey: permissionKey(id) });
            return { ok: r.ok && !r.json.frozen, text: r.ok ? String(r.json.message) : `Not thawed: ${errorText(r.json)}` };
          }}
        />
      ) : (
        <ActionButton
          label="Freeze environment"
          danger
          permission={perm.data}
          confirm={`Pause every active DAG in ${envName}${activeDags === null ? "" : ` (${activeDags} now)`} and remember exactly which, so a thaw resumes only those?`}
          run={async () => {
            const r = await send(`${envPath(id)}/freeze`, "POST", {});
            void qc.invalidateQueries({ queryKey: permissionKey(id) });
            return { ok: r.ok && (r.json.failed as unknown[]).length === 0, text: r.ok ? `Frozen: ${String(r.json.message)}.` : `Not frozen: ${errorText(r.json)}` };
          }}
        />
      )}
      {frozen && <span className="frozen-tag">frozen by {frozen.by}</span>}
    </div>
  );
}
