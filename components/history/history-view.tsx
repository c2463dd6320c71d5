"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useMemo } from "react";
import type { EnvironmentSummary, IncidentDto } from "@/lib/monitor/dto";
import { matchesFleetFilter, readFleetFilter } from "@/lib/fleet-filter";
import { fleetQuery, incidentsQuery } from "@/lib/queries";
import { TID } from "@/lib/test-ids";
import { INCIDENTS_LIMIT, PROBLEM_STATUSES } from "@/lib/vocabulary";
import type { SelectOption } from "../field";
import { formatAge } from "../format";
import { useNow } from "../use-now";
import { STATUS_LABEL } from "../status-meta";
import { formatTime, IncidentList } from "./incident-list";

const WINDOWS = { "6h": 6, "24h": 24, "7d": 24 * 7 } as const;
type WindowKey = keyof typeof WINDOWS;
const HOUR_MS = 3_600_000;
const WINDOW_OPTIONS = [
  { value: "6h", label: "last 6 hours" },
  { value: "24h", label: "last 24 hours" },
  { value: "7d", label: "last 7 days" },
];
const ANY = { value: "", label: "any" };

/** A menu with its label on the same line (this page's compact filter row). */
function InlineSelect({ label, value, onChange, options }: { label: string; value: string; onChange: (value: string) => void; options: SelectOption[] }) {
  return (
    <label>
      {label}{" "}
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>{o.label}</option>
        ))}
      </select>
    </label>
  );
}

/** Incidents as bars on one track per environment, placed by start and end within the window. */
function Timeline({ incidents, from, to, names }: { incidents: IncidentDto[]; from: number; to: number; names: Map<string, string> }) {
  const rows = new Map<string, IncidentDto[]>();
  for (const i of incidents) rows.set(i.environmentId, [...(rows.get(i.environmentId) ?? []), i]);
  const span = to - from;
  return (
    <div className="timeline" data-testid={TID.historyTimeline} role="list" aria-label="Incidents by environment over the window">
      {[...rows].map(([env, list]) => (
        <div key={env} className="timeline-row" role="listitem">
          <Link className="timeline-name" href={`/environments/${encodeURIComponent(env)}`} prefetch={false}>
            {names.get(env) ?? env}
          </Link>
          <div className="timeline-track">
            {list.map((i) => {
              const start = Math.max(from, Date.parse(i.startedAt));
              const end = Math.min(to, i.endedAt ? Date.parse(i.endedAt) : to);
              const text = `${STATUS_LABEL[i.status]} from ${formatTime(i.startedAt)} for ${formatAge(i.durationS)}${i.endedAt ? "" : " (ongoing)"}: ${i.reasons.join("; ")}`;
              return (
                <Link
                  key={i.id}
                  href={`/environments/${encodeURIComponent(env)}`}
                  prefetch={false}
                  className={`timeline-bar status-${i.status}`}
                  style={{ left: `${((start - from) / span) * 100}%`, width: `max(4px, ${((end - start) / span) * 100}%)` }}
                  title={text}
                  aria-label={`${names.get(env) ?? env}: ${text}`}
                />
              );
            })}
          </div>
        </div>
      ))}
    </div>
  );
}

/**
 * "What happened overnight": every incident of the window (default 24 h) as a fleet timeline and a
 * list, filterable by tag and status; filters live in the URL so a link shows the same view.
 */
export function HistoryView() {
  const params = useSearchParams();
  const router = useRouter();
  const windowKey: WindowKey = (params.get("window") as WindowKey) in WINDOWS ? (params.get("window") as WindowKey) : "24h";
  const tag = params.get("tag") ?? "";
  const status = params.get("status") ?? "";
  // The window ends at the next whole minute, so the query key (and the request) holds for a minute.
  const now = useNow(60);
  const to = Math.ceil(now / 60_000) * 60_000;
  const from = to - WINDOWS[windowKey] * HOUR_MS;
  const search = `from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}&limit=${INCIDENTS_LIMIT.max}`;
  const { data, error, isPending } = useQuery({ ...incidentsQuery(search), enabled: now > 0 });
  const { data: fleet } = useQuery(fleetQuery(""));

  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params.toString());
    if (value) next.set(key, value);
    else next.delete(key);
    router.replace(`/history${next.size ? `?${next}` : ""}`, { scroll: false });
  };

  const envs = useMemo(() => new Map<string, EnvironmentSummary>((fleet?.environments ?? []).map((e) => [e.id, e])), [fleet]);
  const names = useMemo(() => new Map([...envs].map(([id, e]) => [id, e.name])), [envs]);
  const tags = useMemo(() => [...new Set([...envs.values()].flatMap((e) => Object.entries(e.tags).map(([k, v]) => `${k}:${v}`)))].sort(), [envs]);
  // The board's `tag` and `status` parameters, read the same way (the menus here set one of each).
  const filter = useMemo(() => readFleetFilter(new URLSearchParams(params.toString())).filter, [params]);
  const shown = (data?.incidents ?? []).filter((i) => matchesFleetFilter({ status: i.status, tags: envs.get(i.environmentId)?.tags ?? {} }, filter));
  const open = shown.filter((i) => i.endedAt === null).length;

  return (
    <div data-testid={TID.historyPage}>
      <title>History · Flightboard</title>
      <p className="crumbs">
        <Link href="/">← Board</Link>
      </p>
      <div className="page-head">
        <h1>What happened</h1>
      </div>
      <form className="filter-bar history-filters" onSubmit={(e) => e.preventDefault()}>
        <InlineSelect label="Window" value={windowKey} onChange={(v) => set("window", v === "24h" ? "" : v)} options={WINDOW_OPTIONS} />
        <InlineSelect label="Status" value={status} onChange={(v) => set("status", v)} options={[ANY, ...PROBLEM_STATUSES.map((s) => ({ value: s, label: STATUS_LABEL[s] }))]} />
        <InlineSelect label="Tag" value={tag} onChange={(v) => set("tag", v)} options={[ANY, ...tags.map((t) => ({ value: t, label: t }))]} />
      </form>
      <p className="page-sub">
        {formatTime(new Date(from).toISOString())} – {formatTime(new Date(to).toISOString())} ·{" "}
        {isPending ? "loading…" : `${shown.length} incident${shown.length === 1 ? "" : "s"}, ${open} ongoing`}
      </p>
      {error && !data && (
        <div className="error-box" role="alert" data-testid={TID.loadError}>
          Cannot load incidents: {error.message}
        </div>
      )}
      {data && (
        <>
          <section className="panel" aria-labelledby="timeline-h">
            <h2 id="timeline-h">Timeline</h2>
            {shown.length === 0 ? <p className="muted">No incidents in this window: every environment stayed healthy (or had no data).</p> : <Timeline incidents={shown} from={from} to={to} names={names} />}
          </section>
          <section className="panel" aria-labelledby="list-h">
            <h2 id="list-h">Incidents, newest first</h2>
            <IncidentList incidents={shown} showEnvironment names={names} />
          </section>
        </>
      )}
    </div>
  );
}
