"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import type { FleetResponse } from "@/lib/monitor/dto";
import { queryKeys, searchQuery } from "@/lib/queries";
import { TID } from "@/lib/test-ids";
import { RunStateBadge } from "../status-badge";

const DEBOUNCE_MS = 200;

function useDebounced(value: string, ms: number): string {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

/**
 * One box that finds a DAG in every environment (`/api/v1/search`), with each result's last run
 * state, a link to its page here and a deep link into that environment's Airflow. Keyboard: ↓/↑
 * move through the results (↓ in the box reopens them), Escape closes and returns to the box.
 */
export function DagSearch() {
  const [text, setText] = useState("");
  const [open, setOpen] = useState(false);
  const q = useDebounced(text.trim(), DEBOUNCE_MS);
  const { data, error, isFetching } = useQuery(searchQuery(q));
  const client = useQueryClient();
  const router = useRouter();
  const inputRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const inputId = useId();
  const resultsId = useId();

  const names = new Map((client.getQueryData<FleetResponse>(queryKeys.fleet(""))?.environments ?? []).map((e) => [e.id, e.name]));
  const results = q && data ? data.results : [];
  const show = open && q.length > 0;

  const links = () => Array.from(listRef.current?.querySelectorAll<HTMLAnchorElement>("a[data-primary]") ?? []);
  const onKeyDown = (e: KeyboardEvent) => {
    // Enter in the box opens the full results page; the dropdown stays for quick jumps.
    if (e.key === "Enter" && e.target === inputRef.current && text.trim()) {
      e.preventDefault();
      setOpen(false);
      router.push(`/search?q=${encodeURIComponent(text.trim())}`);
      return;
    }
    if (e.key === "Escape") {
      setOpen(false);
      inputRef.current?.focus();
      return;
    }
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    if (!open) {
      setOpen(true);
      return;
    }
    const all = links();
    if (all.length === 0) return;
    e.preventDefault();
    const i = all.indexOf(document.activeElement as HTMLAnchorElement);
    const next = e.key === "ArrowDown" ? Math.min(i + 1, all.length - 1) : i - 1;
    if (next < 0) inputRef.current?.focus();
    else all[next].focus();
  };

  return (
    <div
      className="dag-search"
      role="search"
      data-testid={TID.dagSearch}
      onKeyDown={onKeyDown}
      onBlur={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setOpen(false);
      }}
    >
      <label htmlFor={inputId} className="sr-only">
        Search DAGs in every environment
      </label>
      <input
        ref={inputRef}
        id={inputId}
        type="search"
        className="input dag-search-input"
        placeholder="Search DAGs in every environment…"
        value={text}
        autoComplete="off"
        spellCheck={false}
        aria-controls={resultsId}
        onClick={() => setOpen(true)}
        onChange={(e) => {
          setText(e.target.value);
          setOpen(true);
        }}
      />
      {show && (
        <div className="dag-search-panel" id={resultsId} data-testid={TID.dagSearchResults}>
          <p className="dag-search-status" aria-live="polite">
            {error
              ? `Search failed: ${error.message}`
              : !data || (isFetching && results.length === 0)
                ? "Searching…"
                : results.length === 0
                  ? `No DAG matches “${q}”.`
                  : `${results.length}${(data.total ?? 0) > results.length ? "+" : ""} DAG${results.length === 1 ? "" : "s"} in ${new Set(results.map((r) => r.environmentId)).size} environment(s) · Enter shows all`}
          </p>
          {results.length > 0 && (
            <ul ref={listRef} className="dag-search-list">
              {results.map((r) => (
                <li key={`${r.environmentId}/${r.dagId}`} className="dag-search-item" data-testid={TID.dagSearchResult} data-env-id={r.environmentId} data-dag-id={r.dagId}>
                  <Link
                    data-primary
                    href={`/environments/${encodeURIComponent(r.environmentId)}/dags/${encodeURIComponent(r.dagId)}`}
                    onClick={() => setOpen(false)}
                    className="dag-search-dag"
                  >
                    {r.dagId}
                  </Link>
                  <span className="dag-search-env">{names.get(r.environmentId) ?? r.environmentId}</span>
                  <span className="dag-search-state">
                    <RunStateBadge state={r.lastRunState} />
                    {r.paused && <span className="badge">paused</span>}
                  </span>
                  {r.url && (
                    <a href={r.url} target="_blank" rel="noreferrer noopener" className="dag-search-ext" aria-label={`Open ${r.dagId} in the Airflow UI of ${r.environmentId}`}>
                      Airflow ↗
                    </a>
                  )}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
