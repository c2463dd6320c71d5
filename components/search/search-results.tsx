"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useId, useRef, useState, type KeyboardEvent } from "react";
import type { FleetResponse, SearchResult } from "@/lib/monitor/dto";
import { fleetQuery, searchQuery } from "@/lib/queries";
import { TID } from "@/lib/test-ids";
import { BulkBar, useActingScope, useBulkSelection } from "../actions/bulk-actions";
import { plural } from "../format";
import { SearchGroup } from "./search-group";

/** Results grouped by environment, in the order of the environments' names. */
export function groupByEnvironment(results: SearchResult[], names: Map<string, string>): { id: string; name: string; results: SearchResult[] }[] {
  const groups = new Map<string, SearchResult[]>();
  for (const r of results) groups.set(r.environmentId, [...(groups.get(r.environmentId) ?? []), r]);
  return [...groups]
    .map(([id, rs]) => ({ id, name: names.get(id) ?? id, results: rs }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * `/search?q=`: every match of the fleet-wide DAG search, grouped by environment, with the totals
 * and the environments that could not be searched. ↓/↑ move between the DAG links. Results can be
 * selected across environments and acted on together (the bulk bar above the list) by people who
 * may act somewhere.
 */
export function SearchResults() {
  const params = useSearchParams();
  const q = (params.get("q") ?? "").trim();
  const router = useRouter();
  const [text, setText] = useState(q);
  const inputId = useId();
  const selection = useBulkSelection();
  // Checkboxes and buttons only for people who may act somewhere; everyone else reads the reason once.
  const scope = useActingScope();
  const acting = scope.data?.allowed === true;
  const listRef = useRef<HTMLDivElement>(null);
  const { data, error, isPending } = useQuery(searchQuery(q));
  const fleet = useQuery(fleetQuery());
  const names = new Map((fleet.data as FleetResponse | undefined)?.environments.map((e) => [e.id, e.name]) ?? []);
  const groups = data ? groupByEnvironment(data.results, names) : [];
  const total = data?.total ?? data?.results.length ?? 0;

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    const links = Array.from(listRef.current?.querySelectorAll<HTMLAnchorElement>("a[data-primary]") ?? []);
    if (links.length === 0) return;
    e.preventDefault();
    const i = links.indexOf(document.activeElement as HTMLAnchorElement);
    links[e.key === "ArrowDown" ? Math.min(i + 1, links.length - 1) : Math.max(i - 1, 0)].focus();
  };

  return (
    <div data-testid={TID.searchPage} onKeyDown={onKeyDown}>
      <title>{q ? `“${q}” · DAG search · Flightboard` : "DAG search · Flightboard"}</title>
      <h1>DAG search</h1>
      <form
        className="filter-bar"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          if (text.trim()) router.push(`/search?q=${encodeURIComponent(text.trim())}`);
        }}
      >
        <div className="field">
          <label htmlFor={inputId} className="field-label">DAG id contains</label>
          <input id={inputId} name="q" type="search" className="input" value={text} onChange={(e) => setText(e.target.value)} autoComplete="off" spellCheck={false} />
        </div>
        <button type="submit" className="input">Search</button>
      </form>
      {!q ? (
        <p className="muted">Type part of a DAG id and press Enter.</p>
      ) : (
        <>
          <p aria-live="polite" data-testid={TID.dagSearchResults}>
            {error
              ? `Search failed: ${error.message}`
              : isPending
                ? "Searching…"
                : total === 0
                  ? `No DAG matches “${q}”.`
                  : `${plural(total, "DAG")} match “${q}” in ${plural(groups.length, "environment")}` +
                    (total > (data?.results.length ?? 0) ? `; the first ${data!.results.length} are shown — narrow the search to see the rest.` : ".")}
          </p>
          {data?.unsearched && data.unsearched.length > 0 && (
            <div className="error-box is-warning" role="status" data-testid={TID.searchUnsearched}>
              Not searched ({plural(data.unsearched.length, "environment")}, no DAG list yet):{" "}
              {data.unsearched.map((u, i) => (
                <span key={u.environmentId}>
                  {i > 0 && "; "}
                  <Link href={`/environments/${encodeURIComponent(u.environmentId)}`}>{names.get(u.environmentId) ?? u.environmentId}</Link> — {u.reason}
                </span>
              ))}
            </div>
          )}
          {acting && <BulkBar selection={selection} />}
          {scope.data && !acting && scope.data.reason && groups.length > 0 && (
            <p className="muted action-why" data-testid="search-why">Actions: {scope.data.reason}.</p>
          )}
          <div ref={listRef}>
            {groups.map((g) => (
              <SearchGroup key={g.id} id={g.id} name={g.name} results={g.results} selection={acting ? selection : undefined} />
            ))}
          </div>
        </>
      )}
    </div>
  );
}
