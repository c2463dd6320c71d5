"use client";
import { useQuery } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import { startTransition, useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from "react";
import { preload } from "react-dom";
import type { EnvironmentStatus } from "@/lib/monitor/dto";
import { FLEET_PATH, FLEET_POLL_MS, fleetQuery, startFleetEarly } from "@/lib/queries";
import { alertsQuery, firingByEnvironment } from "@/lib/queries/alerts";
import { ApiRequestError } from "@/lib/queries/fetch-json";
import { useFleetEvents } from "@/lib/queries/use-fleet-events";
import { TID } from "@/lib/test-ids";
import { AgeMs } from "../age";
import { useExpired } from "../use-expired";
import { BoardSkeleton } from "./board-skeleton";
import { EnvironmentTile } from "./environment-tile";
import { FailingDagsPanel } from "./failing-dags-panel";
import { FilterBar } from "./filter-bar";
import { applyViewFilter, collectTags, viewFilterSearch, parseViewFilter, type ViewFilter } from "./view-filter";
import { SummaryBar } from "./summary-bar";

const TEXT_DEBOUNCE_MS = 250;

/**
 * Tiles rendered in the first pass: a little more than the screen shows (tiles are ≥ 300 × ~210 px);
 * the rest follow in a transition that yields to input.
 */
function firstBatch(): number {
  if (typeof window === "undefined") return 24;
  return Math.max(6, Math.floor(window.innerWidth / 300) * Math.ceil(window.innerHeight / 200));
}

// Evaluated when this chunk loads, i.e. before hydration: the fleet request starts right away.
startFleetEarly();

/** Writes the filter into the address bar without a server round trip (Next syncs useSearchParams). */
function writeUrl(next: ViewFilter, mode: "push" | "replace"): string {
  const qs = viewFilterSearch(next, new URLSearchParams(window.location.search));
  const url = qs ? `?${qs}` : window.location.pathname;
  if (mode === "push") window.history.pushState(null, "", url);
  else window.history.replaceState(null, "", url);
  return next.text;
}

/**
 * The board: every environment as a tile, worst first, filtered by tag, status and text — all
 * kept in the URL. Live through SSE, with polling behind it.
 */
export function FleetBoard() {
  // A <link rel=preload> in the HTML: the fleet downloads while the scripts do.
  preload(FLEET_PATH, { as: "fetch", crossOrigin: "anonymous", fetchPriority: "high" });
  const params = useSearchParams();
  const urlFilter = useMemo(() => parseViewFilter(new URLSearchParams(params.toString())), [params]);
  const { data, error, isPending, dataUpdatedAt } = useQuery(fleetQuery());
  const stream = useFleetEvents();
  // Firing alerts mark their tiles; a separate, slower poll that never holds up the fleet.
  const alerts = useQuery(alertsQuery("firing"));
  const firing = useMemo(() => firingByEnvironment(alerts.data), [alerts.data]);
  // Not live: no fresh fleet for two poll intervals, or the stream dropped and the poll failed too.
  const expired = useExpired(dataUpdatedAt, 2 * FLEET_POLL_MS);
  const notLive = expired || (Boolean(error) && stream !== "live");

  // The text box is local state so typing never waits on the router; the URL follows, debounced.
  const [text, setText] = useState(urlFilter.text);
  const lastWritten = useRef(urlFilter.text);
  useEffect(() => {
    // Back/forward or a pasted link changed `q`: adopt it (but not the echo of our own write).
    if (urlFilter.text !== lastWritten.current) {
      lastWritten.current = urlFilter.text;
      setText(urlFilter.text);
    }
  }, [urlFilter.text]);
  useEffect(() => {
    if (text === urlFilter.text) return;
    const t = setTimeout(() => {
      lastWritten.current = writeUrl({ ...urlFilter, text }, "replace");
    }, TEXT_DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [text, urlFilter]);

  const filter = useMemo(() => ({ ...urlFilter, text }), [urlFilter, text]);
  const update = useCallback(
    (next: ViewFilter) => {
      lastWritten.current = writeUrl(next, "push");
    },
    [],
  );
  const toggleStatus = useCallback(
    (s: EnvironmentStatus) => {
      const statuses = filter.statuses.includes(s) ? filter.statuses.filter((x) => x !== s) : [...filter.statuses, s];
      update({ ...filter, statuses });
    },
    [filter, update],
  );

  // Typing stays instant with 300 tiles: the grid follows the filter as a background render.
  const gridFilter = useDeferredValue(filter);
  const environments = data?.environments;
  const view = useMemo(() => applyViewFilter(environments ?? [], gridFilter), [environments, gridFilter]);
  const tags = useMemo(() => collectTags(environments ?? []), [environments]);

  // First paint with the first screenful of tiles; the rest render in a transition right after.
  const [allTiles, setAllTiles] = useState(false);
  const marked = useRef(false);
  useEffect(() => {
    if (!data || marked.current) return;
    marked.current = true;
    // For the "interactive in < 1 s" measurement: the first render with tiles, after hydration.
    performance.mark("flightboard:board-ready");
    startTransition(() => setAllTiles(true));
  }, [data]);
  useEffect(() => {
    if (allTiles) performance.mark("flightboard:board-complete");
  }, [allTiles]);
  const tiles = allTiles ? view.shown : view.shown.slice(0, firstBatch());

  if (isPending) return <BoardSkeleton />;
  if (error instanceof ApiRequestError && (error.status === 401 || error.status === 403)) {
    return (
      <div className="error-box" role="alert" data-testid={TID.loadError}>
        {error.status === 401 ? "Your session has ended." : "You may not see this board."} <a href="/signin?callbackUrl=%2F">Sign in again</a>
      </div>
    );
  }
  if (!data) {
    return (
      <div className="error-box" role="alert" data-testid={TID.loadError}>
        The board cannot reach its server ({error?.message ?? "no answer"}). It keeps retrying.
      </div>
    );
  }
  const wallQs = viewFilterSearch({ ...filter, text: "" }, new URLSearchParams());
  return (
    <section data-testid={TID.board} aria-label="Environments">
      <h1 className="sr-only">Fleet board</h1>
      {notLive && (
        <div className="error-box stale-box" role="alert" data-testid={TID.boardStale}>
          <strong>Not live — the data below is {<AgeMs at={dataUpdatedAt} />} old.</strong>{" "}
          {error ? `Lost contact with the server (${error.message}).` : "No update arrived for a while."} Reconnecting by itself.
        </div>
      )}
      <SummaryBar
        counts={view.counts}
        scopeSize={view.scopeSize}
        shownCount={view.shown.length}
        selected={filter.statuses}
        onToggle={toggleStatus}
        updatedAt={dataUpdatedAt}
        stream={stream}
      />
      <FilterBar
        filter={filter}
        text={text}
        onText={setText}
        tags={tags}
        onAddTag={(key, value) => update({ ...filter, tags: [...filter.tags, { key, value }] })}
        onRemoveTag={(key, value) => update({ ...filter, tags: filter.tags.filter((t) => t.key !== key || t.value !== value) })}
        onClear={() => {
          setText("");
          update({ tags: [], statuses: [], text: "", problemsOnly: false });
        }}
        wallHref={`/wall${wallQs ? `?${wallQs}` : ""}`}
      />
      <FailingDagsPanel
        failing={data.environments.reduce((n, e) => n + (e.dags?.failing ?? 0), 0)}
        environments={data.environments.filter((e) => (e.dags?.failing ?? 0) > 0).length}
      />
      {view.shown.length === 0 ? (
        <p className="empty" data-testid={TID.boardEmpty}>
          {data.environments.length === 0 ? "No environments are configured." : "No environment matches these filters."}
        </p>
      ) : (
        <div className="grid" data-testid={TID.grid}>
          {tiles.map((env) => (
            <EnvironmentTile key={env.id} env={env} firingAlerts={firing.get(env.id)} />
          ))}
        </div>
      )}
    </section>
  );
}
