"use client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useEffect, useMemo, useRef, useState } from "react";
import type { DagDto } from "@/lib/monitor/dto";
import { dagsQuery, environmentQuery } from "@/lib/queries";
import { TID } from "@/lib/test-ids";
import { Age } from "../age";
import { DataTable, Ident } from "../data-table";
import { Field, SelectField } from "../field";
import { knowledgeOf } from "../knowledge";
import { KnowledgeNote } from "../knowledge-note";
import { RunStateBadge } from "../status-badge";
import { browseApiSearch, browseSearch, DAG_PAGE_SIZE, ORDERS, readBrowseState, type BrowseState } from "./dag-browse-state";
import { dagHref } from "./run-tables";

/** Writes the view into the address bar without a server round trip (Next syncs useSearchParams). */
function writeUrl(s: BrowseState) {
  const qs = browseSearch(s);
  window.history.replaceState(null, "", qs ? `?${qs}` : window.location.pathname);
}

function DagRow({ envId, d }: { envId: string; d: DagDto }) {
  return (
    <tr data-testid={TID.dagRow} data-dag-id={d.dagId}>
      <td className="ident">
        <Link href={dagHref(envId, d.dagId)} prefetch={false}><Ident text={d.dagId} /></Link>
        {d.paused && <span className="badge" style={{ marginLeft: "0.4rem" }}>paused</span>}
      </td>
      <td><RunStateBadge state={d.lastRun?.state ?? null} /></td>
      <td>{d.lastRun?.startDate ? <Age iso={d.lastRun.startDate} suffix=" ago" step={5} /> : "—"}</td>
      <td className="wide-only">{d.owners.join(", ") || "—"}</td>
      <td className="wide-only">{d.tags.map((t) => <span key={t} className="badge" style={{ marginRight: "0.25rem" }}>{t}</span>)}</td>
      <td className="wide-only"><code>{d.schedule ?? "—"}</code></td>
      {/* A phone shows the DAG, its last run and when: the DAG's own page links into Airflow. */}
      <td className="wide-only">
        {d.url ? (
          <a href={d.url} target="_blank" rel="noreferrer noopener" aria-label={`Open ${d.dagId} in Airflow`}>Airflow ↗</a>
        ) : (
          "—"
        )}
      </td>
    </tr>
  );
}

/**
 * Every DAG of one environment, from the server's cache (contract §5): text, state, paused, tag and
 * owner filters, sorting and paging, all in the address bar. Only one page travels at a time, so
 * thousands of DAGs stay fast.
 */
export function DagBrowser({ id }: { id: string }) {
  const params = useSearchParams();
  const view = useMemo(() => readBrowseState(new URLSearchParams(params.toString())), [params]);
  const [text, setText] = useState(view.q);
  const lastWritten = useRef(view.q);
  useEffect(() => {
    if (text === lastWritten.current) return;
    const t = setTimeout(() => {
      lastWritten.current = text;
      writeUrl({ ...view, q: text, page: 1 });
    }, 250);
    return () => clearTimeout(t);
  }, [text, view]);
  const set = (patch: Partial<BrowseState>) => writeUrl({ ...view, page: 1, ...patch });

  const env = useQuery(environmentQuery(id));
  const list = useQuery({ ...dagsQuery(id, browseApiSearch(view)), placeholderData: keepPreviousData });
  const data = list.data;
  const pages = data ? Math.max(1, Math.ceil(data.total / DAG_PAGE_SIZE)) : 1;
  const first = data && data.total > 0 ? (view.page - 1) * DAG_PAGE_SIZE + 1 : 0;
  const last = data ? Math.min(data.total, view.page * DAG_PAGE_SIZE) : 0;
  const name = env.data?.name ?? id;
  // An empty list from an environment whose DAG list never arrived is not "no DAGs".
  const dagsKnown = env.data ? knowledgeOf(env.data, "dags") : "unknown";
  const facet = (values: string[] | undefined, current: string) => {
    const all = values ?? [];
    return [{ value: "", label: "any" }, ...(current && !all.includes(current) ? [current] : []).concat(all).map((v) => ({ value: v, label: v }))];
  };

  return (
    <div data-testid={TID.dagBrowser}>
      <title>{`DAGs of ${name} · Flightboard`}</title>
      <p className="crumbs">
        <Link href="/">Board</Link> / <Link href={`/environments/${encodeURIComponent(id)}`}>{name}</Link>
      </p>
      <div className="page-head">
        <h1>DAGs of {name}</h1>
      </div>
      {env.data && <KnowledgeNote env={env.data} parts={["dags"]} />}
      <div className="filter-bar" role="search" aria-label="Filter DAGs">
        <Field label="DAG id contains">
          {(textId) => <input id={textId} type="search" className="input" value={text} onChange={(e) => setText(e.target.value)} autoComplete="off" spellCheck={false} data-testid={TID.dagBrowserText} />}
        </Field>
        <SelectField label="Last run" value={view.state} onChange={(v) => set({ state: v as BrowseState["state"] })} testId="dag-filter-state"
          options={[{ value: "", label: "any" }, { value: "failed", label: "Failed" }, { value: "running", label: "Running" }, { value: "success", label: "Success" }]} />
        <SelectField label="Paused" value={view.paused} onChange={(v) => set({ paused: v as BrowseState["paused"] })} testId="dag-filter-paused"
          options={[{ value: "", label: "any" }, { value: "false", label: "active only" }, { value: "true", label: "paused only" }]} />
        <SelectField label="Tag" value={view.tag} onChange={(v) => set({ tag: v })} options={facet(data?.facets?.tags, view.tag)} testId="dag-filter-tag" />
        <SelectField label="Owner" value={view.owner} onChange={(v) => set({ owner: v })} options={facet(data?.facets?.owners, view.owner)} testId="dag-filter-owner" />
        <SelectField label="Sort" value={view.order} onChange={(v) => set({ order: v })} options={ORDERS} testId="dag-sort" />
      </div>
      <section className="panel" aria-labelledby="dag-list-h">
        <h2 id="dag-list-h" aria-live="polite" data-testid={TID.dagBrowserCount}>
          {list.error
            ? `Cannot load the DAG list: ${list.error.message}`
            : !data || !env.data
              ? "Loading DAGs…"
              : dagsKnown === "unknown"
                ? "DAGs: unknown — the DAG list has not been received"
              : data.total === 0
                ? "No DAG matches these filters."
                : `DAGs ${first}–${last} of ${data.total}`}
        </h2>
        {data && data.dags.length > 0 && (
          <DataTable columns={["DAG", "Last run", "Started", { label: "Owners", className: "wide-only" }, { label: "Tags", className: "wide-only" }, { label: "Schedule", className: "wide-only" }, { label: "Airflow", className: "wide-only" }]}>
            {data.dags.map((d) => <DagRow key={d.dagId} envId={id} d={d} />)}
          </DataTable>
        )}
        {pages > 1 && (
          <nav className="pager" aria-label="Pages">
            <button type="button" className="input" disabled={view.page <= 1} onClick={() => writeUrl({ ...view, page: view.page - 1 })}>← Previous</button>
            <span>Page {view.page} of {pages}</span>
            <button type="button" className="input" disabled={view.page >= pages} onClick={() => writeUrl({ ...view, page: view.page + 1 })} data-testid={TID.dagBrowserNext}>Next →</button>
          </nav>
        )}
      </section>
    </div>
  );
}
