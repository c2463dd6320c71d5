"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { queryKeys } from "@/lib/queries";
import { fetchJson } from "@/lib/queries/fetch-json";
import { BulkBar, useActingScope, useBulkSelection, type BulkTarget } from "../actions/bulk-actions";
import { dagHref } from "../environment/run-tables";
import { plural } from "../format";

/**
 * Under the board's summary: the failing DAGs of every environment the viewer sees, to select and
 * act on together (re-run their failed tasks, by default). Fetched only when opened: a board of
 * 300 environments must not pull every failing DAG on each load. Shown only to people who may act
 * somewhere: a wall screen (display token), a viewer or a board with actions off stays calm.
 */

interface FailingItem extends BulkTarget {
  runId: string;
  endDate: string | null;
}

export function FailingDagsPanel({ failing, environments }: { failing: number; environments: number }) {
  const [open, setOpen] = useState(false);
  const selection = useBulkSelection();
  const scope = useActingScope();
  const { data, error, isPending } = useQuery({
    queryKey: queryKeys.failing(),
    queryFn: ({ signal }) => fetchJson<{ items: FailingItem[] }>("/api/v1/actions/failing", signal),
    enabled: open,
    staleTime: 10_000,
  });
  if (scope.data?.allowed !== true || (failing === 0 && !open)) return null;
  const groups = new Map<string, FailingItem[]>();
  for (const it of data?.items ?? []) groups.set(it.environmentId, [...(groups.get(it.environmentId) ?? []), it]);
  const all = data?.items ?? [];
  const allOn = all.length > 0 && all.every((t) => selection.has(t));
  return (
    <details className="panel failing-panel" data-testid="failing-panel" open={open} onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
      <summary>
        <strong>{plural(failing, "failing DAG")}</strong> in {plural(environments, "environment")} — select to re-run, trigger, pause or resume together
      </summary>
      {error && <div className="error-box" role="alert">Could not list the failing DAGs: {error.message}</div>}
      {open && isPending && <p className="muted">Loading…</p>}
      {data && all.length === 0 && <p className="muted">No DAG is failing right now.</p>}
      {all.length > 0 && (
        <>
          <label className="bulk-all">
            <input type="checkbox" checked={allOn} onChange={(e) => selection.setMany(all, e.target.checked)} data-testid="failing-select-all" /> Select all {all.length}
          </label>
          <div className="failing-groups">
            {[...groups].map(([envId, items]) => (
              <fieldset key={envId} className="failing-group" data-env-id={envId}>
                <legend>
                  <Link href={`/environments/${encodeURIComponent(envId)}`} prefetch={false}>{items[0].environmentName}</Link> <span className="muted">({items.length})</span>
                </legend>
                {items.map((it) => (
                  <label key={it.dagId} className="failing-item" data-testid="failing-item" data-env-id={envId} data-dag-id={it.dagId}>
                    <input type="checkbox" checked={selection.has(it)} onChange={() => selection.toggle(it)} aria-label={`Select ${it.dagId} in ${it.environmentName}`} />
                    <Link href={dagHref(envId, it.dagId)} prefetch={false}>{it.dagId}</Link>
                  </label>
                ))}
              </fieldset>
            ))}
          </div>
        </>
      )}
      <BulkBar selection={selection} />
    </details>
  );
}
