"use client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useRef } from "react";
import type { FleetResponse } from "@/lib/monitor/dto";
import { fleetQuery } from "@/lib/queries";
import { ApiRequestError, fetchJson } from "@/lib/queries/fetch-json";
import type { AuditEntry } from "@/lib/vocabulary";
import { DataTable } from "../data-table";
import { dagHref } from "../environment/run-tables";
import { SelectField } from "../field";
import { formatTime } from "../format";
import "../actions/actions.css";

/**
 * `/audit`: who did what, where and with which outcome (contract §12), newest first, filtered by
 * environment, action and outcome, one page of PAGE entries at a time. The data and the rule of who
 * may read it are `/api/v1/audit`'s (admins everything, operators their environments); anyone else
 * gets its refusal in words.
 */

const PAGE = 50;
const ACTIONS: Record<string, string> = { trigger: "Trigger run", clear: "Re-run failed tasks", pause: "Pause DAG", resume: "Resume DAG", freeze: "Freeze environment", thaw: "Thaw environment" };
const OUTCOMES: Record<string, string> = { ok: "Done", failed: "Failed", pending: "No answer recorded" };

const optionsOf = (labels: Record<string, string>) => Object.entries(labels).map(([value, label]) => ({ value, label }));

function outcomeOf(e: AuditEntry): { key: string; label: string } {
  if (e.ok === null) return { key: "pending", label: OUTCOMES.pending };
  return e.ok ? { key: "ok", label: OUTCOMES.ok } : { key: "failed", label: `${OUTCOMES.failed}${e.httpStatus ? ` (HTTP ${e.httpStatus})` : ""}` };
}

/** A local, unambiguous time with the UTC one on hover. */
function When({ iso }: { iso: string }) {
  const d = new Date(iso);
  // timeStyle "long" names the zone ("9:44:36 PM GMT+1"): a local time alone is ambiguous on a shared screen.
  const local = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "long" }).format(d);
  return <time dateTime={iso} title={formatTime(iso)}>{local}</time>;
}

export function AuditView() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname() ?? "/audit";
  const environment = params.get("environment") ?? "";
  const action = params.get("action") ?? "";
  const outcome = params.get("outcome") ?? "";
  const offset = Math.max(0, Number(params.get("offset")) || 0);
  const q = new URLSearchParams({ limit: String(PAGE) });
  if (environment) q.set("environment", environment);
  if (action) q.set("action", action);
  if (outcome) q.set("outcome", outcome);
  if (offset) q.set("offset", String(offset));
  const { data, error, isPending, isFetching } = useQuery({
    queryKey: ["audit", q.toString()],
    queryFn: ({ signal }) => fetchJson<{ entries: AuditEntry[]; nextOffset?: number | null }>(`/api/v1/audit?${q}`, signal),
    placeholderData: keepPreviousData,
    retry: false,
  });
  const fleet = useQuery(fleetQuery());
  const envs = (fleet.data as FleetResponse | undefined)?.environments ?? [];
  const names = new Map(envs.map((e) => [e.id, e.name]));
  // An environment in the address that the fleet does not list (any more) stays choosable.
  const envOptions = [
    { value: "", label: "All environments" },
    ...(environment && !names.has(environment) ? [{ value: environment, label: environment }] : []),
    ...[...envs].sort((a, b) => a.name.localeCompare(b.name)).map((e) => ({ value: e.id, label: e.name })),
  ];

  // Filters not yet in the address: a second change made before the first navigation lands builds on
  // it instead of on the address it read (which would drop the first). Each is forgotten once the
  // address shows it, so back/forward navigation is never overridden.
  const pending = useRef(new Map<string, string>());
  useEffect(() => {
    for (const [k, v] of pending.current) if ((params.get(k) ?? "") === v) pending.current.delete(k);
  }, [params]);
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params.toString());
    pending.current.set(key, value);
    if (key !== "offset") pending.current.set("offset", "");
    for (const [k, v] of pending.current) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    router.replace(`${pathname}${next.size ? `?${next}` : ""}`, { scroll: key === "offset" });
  };

  if (error instanceof ApiRequestError && error.status === 403) {
    return (
      <div data-testid="audit-page">
        <title>Audit log · Flightboard</title>
        <h1>Audit log</h1>
        <div className="error-box" role="alert" data-testid="audit-refused">
          The audit log is for admins (and operators, for the environments they may act on). The server says: {error.message}.
        </div>
      </div>
    );
  }

  const entries = data?.entries ?? [];
  return (
    <div data-testid="audit-page">
      <title>Audit log · Flightboard</title>
      <h1>Audit log</h1>
      <p className="muted">Every action from the board or the API: recorded before Airflow is called, completed with Airflow&apos;s answer. Newest first.</p>
      <form className="filter-bar" role="search" aria-label="Filter the audit log" onSubmit={(e) => e.preventDefault()}>
        <SelectField label="Environment" value={environment} onChange={(v) => set("environment", v)} options={envOptions} testId="audit-filter-environment" />
        <SelectField label="Action" value={action} onChange={(v) => set("action", v)} options={[{ value: "", label: "All actions" }, ...optionsOf(ACTIONS)]} testId="audit-filter-action" />
        <SelectField label="Outcome" value={outcome} onChange={(v) => set("outcome", v)} options={[{ value: "", label: "Any outcome" }, ...optionsOf(OUTCOMES)]} testId="audit-filter-outcome" />
      </form>
      {error && <div className="error-box" role="alert">Could not load the audit log: {error.message}</div>}
      <p aria-live="polite" className="muted" data-testid="audit-summary">
        {isPending
          ? "Loading…"
          : entries.length === 0
            ? offset > 0 ? "No more entries." : "No action matches these filters."
            : `Entries ${offset + 1}–${offset + entries.length}${data?.nextOffset ? ", older ones on the next page" : ""}.`}
        {isFetching && !isPending ? " Updating…" : ""}
      </p>
      {entries.length > 0 && (
        <DataTable columns={["When", "Who", "Action", "Environment", "DAG", "Run", "Outcome"]} className="audit-table" testId="audit-table">
          {entries.map((e, i) => {
            const o = outcomeOf(e);
            return (
              <tr key={`${e.at}-${i}`} data-testid="audit-row" data-outcome={o.key} data-action={e.action}>
                <td data-label="When"><When iso={e.at} /></td>
                <td data-label="Who">{e.actor}</td>
                <td data-label="Action">{ACTIONS[e.action] ?? e.action}</td>
                <td data-label="Environment"><Link href={`/environments/${encodeURIComponent(e.environmentId)}`} prefetch={false}>{names.get(e.environmentId) ?? e.environmentId}</Link></td>
                <td data-label="DAG">{e.dagId ? <Link href={dagHref(e.environmentId, e.dagId)} prefetch={false}>{e.dagId}</Link> : <span className="muted">—</span>}</td>
                <td data-label="Run" className="audit-run">{e.runId ?? <span className="muted">—</span>}</td>
                <td data-label="Outcome" className={`audit-outcome is-${o.key}`}>
                  <strong>{o.label}</strong>
                  {e.message && <span className="audit-message">{e.message}</span>}
                </td>
              </tr>
            );
          })}
        </DataTable>
      )}
      <nav className="audit-pager" aria-label="Audit log pages">
        <button type="button" className="action-btn" disabled={offset === 0} onClick={() => set("offset", String(Math.max(0, offset - PAGE)))}>← Newer</button>
        <button type="button" className="action-btn" disabled={!data?.nextOffset} onClick={() => set("offset", String(data?.nextOffset ?? offset))} data-testid="audit-older">Older →</button>
      </nav>
    </div>
  );
}
