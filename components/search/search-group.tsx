"use client";
import { useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import type { SearchResult } from "@/lib/monitor/dto";
import { queryKeys } from "@/lib/queries";
import { TID } from "@/lib/test-ids";
import { ActionButton, errorText, send, usePermission, type ActPermission } from "../actions/action-buttons";
import type { useBulkSelection } from "../actions/bulk-actions";
import { dagHref } from "../environment/run-tables";
import { RunStateBadge } from "../status-badge";

/**
 * One environment's matches on the search page, each with a checkbox for bulk actions and the
 * single actions of a failing-DAG row (re-run failed tasks, trigger, pause or resume). Who may not
 * act in this environment sees the buttons and checkboxes disabled and the server's reason once,
 * under the environment's name; who may act nowhere sees plain rows (the page says why once).
 */

const dagPath = (id: string, dagId: string) => `/api/v1/environments/${encodeURIComponent(id)}/dags/${encodeURIComponent(dagId)}`;

function RowActions({ r, envName, permission }: { r: SearchResult; envName: string; permission: ActPermission | undefined }) {
  const qc = useQueryClient();
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: queryKeys.search("").slice(0, 1) });
    void qc.invalidateQueries({ queryKey: queryKeys.environment(r.environmentId) });
  };
  return (
    <span className="search-actions" data-testid="search-actions">
      {r.lastRunState === "failed" && !r.paused && (
        <ActionButton
          label="Re-run failed tasks"
          permission={permission}
          showWhy={false}
          confirm={`Clear the failed task instances of the latest run of ${r.dagId} in ${envName} (it failed), so Airflow runs them again?`}
          run={async () => {
            // The server re-checks that the latest run still failed and names it in its answer.
            const res = await send("/api/v1/actions/bulk", "POST", { action: "clear", items: [{ environmentId: r.environmentId, dagId: r.dagId }] });
            if (!res.ok) return { ok: false, text: `Not done: ${errorText(res.json)}` };
            const item = (res.json.results as { ok: boolean; message: string }[])[0];
            refresh();
            return { ok: item.ok, text: item.ok ? `${item.message}.` : `Not done: ${item.message}` };
          }}
        />
      )}
      <ActionButton
        label="Trigger"
        permission={permission}
        showWhy={false}
        confirm={`Start a new run of ${r.dagId} in ${envName} now (empty conf)?`}
        run={async () => {
          const res = await send(`${dagPath(r.environmentId, r.dagId)}/runs`, "POST", { conf: {} });
          if (!res.ok) return { ok: false, text: `Not triggered: ${errorText(res.json)}` };
          refresh();
          return { ok: true, text: `Airflow created run ${String(res.json.runId)} (${String(res.json.state)}).` };
        }}
      />
      <ActionButton
        label={r.paused ? "Resume" : "Pause"}
        permission={permission}
        showWhy={false}
        confirm={r.paused ? `Resume ${r.dagId} in ${envName}: the scheduler starts creating runs again?` : `Pause ${r.dagId} in ${envName}: no new scheduled runs until resumed?`}
        run={async () => {
          const res = await send(dagPath(r.environmentId, r.dagId), "PATCH", { paused: !r.paused });
          if (!res.ok) return { ok: false, text: `Not done: ${errorText(res.json)}` };
          refresh();
          return { ok: true, text: `Airflow says ${r.dagId} is now ${res.json.paused ? "paused" : "active"}.` };
        }}
      />
    </span>
  );
}

/** A group without actions: the caller may act nowhere (the page says why once, above the list). */
function PlainRows({ name, results }: { name: string; results: SearchResult[] }) {
  return (
    <ul className="dag-search-list">
      {results.map((r) => (
        <li key={r.dagId} className="dag-search-item" data-testid={TID.dagSearchResult} data-env-id={r.environmentId} data-dag-id={r.dagId}>
          <Link data-primary href={dagHref(r.environmentId, r.dagId)} prefetch={false} className="dag-search-dag">{r.dagId}</Link>
          <State r={r} />
          <ExternalLink r={r} name={name} />
        </li>
      ))}
    </ul>
  );
}

function State({ r }: { r: SearchResult }) {
  return (
    <span className="dag-search-state">
      <RunStateBadge state={r.lastRunState} />
      {r.paused && <span className="badge">paused</span>}
    </span>
  );
}

function ExternalLink({ r, name }: { r: SearchResult; name: string }) {
  if (!r.url) return null;
  return <a href={r.url} target="_blank" rel="noreferrer noopener" className="dag-search-ext" aria-label={`Open ${r.dagId} in the Airflow UI of ${name}`}>Airflow ↗</a>;
}

function ActionRows({ id, name, results, selection }: { id: string; name: string; results: SearchResult[]; selection: ReturnType<typeof useBulkSelection> }) {
  const permission = usePermission(id).data;
  // Nobody selects what they may not act on; the reason is said once, above the rows.
  const may = permission?.allowed === true;
  const targets = results.map((r) => ({ environmentId: id, environmentName: name, dagId: r.dagId }));
  return (
    <>
      {permission && !permission.allowed && permission.reason && <p className="muted action-why" data-testid="search-why">{permission.reason}</p>}
      <ul className="dag-search-list">
        {results.map((r, i) => (
          <li key={r.dagId} className="dag-search-item has-actions" data-testid={TID.dagSearchResult} data-env-id={r.environmentId} data-dag-id={r.dagId}>
            <label className="search-select">
              <input type="checkbox" disabled={!may} checked={selection.has(targets[i])} onChange={() => selection.toggle(targets[i])} aria-label={`Select ${r.dagId} in ${name}`} data-testid="search-select" />
            </label>
            <Link data-primary href={dagHref(r.environmentId, r.dagId)} prefetch={false} className="dag-search-dag">{r.dagId}</Link>
            <State r={r} />
            <RowActions r={r} envName={name} permission={permission} />
            <ExternalLink r={r} name={name} />
          </li>
        ))}
      </ul>
    </>
  );
}

/** One environment's matches; `selection` absent = the caller may act nowhere: no controls. */
export function SearchGroup({ id, name, results, selection }: { id: string; name: string; results: SearchResult[]; selection?: ReturnType<typeof useBulkSelection> }) {
  const targets = results.map((r) => ({ environmentId: id, environmentName: name, dagId: r.dagId }));
  const allOn = selection !== undefined && targets.every((t) => selection.has(t));
  return (
    <section className="panel" aria-labelledby={`sg-${id}`} data-testid={TID.searchGroup} data-env-id={id}>
      <h2 id={`sg-${id}`}>
        {selection && (
          <>
            <GroupCheckbox id={id} name={name} checked={allOn} onChange={(on) => selection.setMany(targets, on)} />{" "}
          </>
        )}
        <Link href={`/environments/${encodeURIComponent(id)}`}>{name}</Link> <span className="muted">({results.length})</span>
      </h2>
      {selection ? <ActionRows id={id} name={name} results={results} selection={selection} /> : <PlainRows name={name} results={results} />}
    </section>
  );
}

function GroupCheckbox({ id, name, checked, onChange }: { id: string; name: string; checked: boolean; onChange: (on: boolean) => void }) {
  const may = usePermission(id).data?.allowed === true;
  return (
    <label className="search-select">
      <input type="checkbox" disabled={!may} checked={checked} onChange={(e) => onChange(e.target.checked)} aria-label={`Select every match in ${name}`} />
    </label>
  );
}
