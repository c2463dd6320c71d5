"use client";
import { useQuery } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import { useMemo, useRef } from "react";
import { wallFleetQuery } from "@/lib/queries";
import { ApiRequestError } from "@/lib/queries/fetch-json";
import { useFleetEvents } from "@/lib/queries/use-fleet-events";
import { TID } from "@/lib/test-ids";
import { applyViewFilter } from "../board/view-filter";
import { StatusIcon } from "../status-icon";
import { StaleBanner, type StaleReason } from "./stale-banner";
import { useExpired } from "../use-expired";
import { measureNames, useElementSize, useRotation } from "./wall-hooks";
import { WallHeader } from "./wall-header";
import { computeWallLayout, wallUnit } from "./wall-layout";
import { describeSelection, parseWallOptions } from "./wall-options";
import { WallTile } from "./wall-tile";
import "./wall.css";

const GAP = 10;

/**
 * The wall screen: every selected environment on one screen (paging when they do not fit), a
 * clock, the data's age, and a loud banner when the data is stale. Built to run for weeks: a
 * fixed number of timers and listeners, a bounded DOM (one page of tiles), no growing arrays.
 */
export function WallView() {
  const params = useSearchParams();
  const opts = useMemo(() => parseWallOptions(new URLSearchParams(params.toString())), [params]);
  const refreshMs = opts.refreshS * 1000;
  const { data, error, dataUpdatedAt } = useQuery(wallFleetQuery(refreshMs));
  const stream = useFleetEvents();
  // Stale: no fresh fleet for two refresh intervals. Sooner when the server is plainly gone: the
  // event stream dropped and the poll that followed failed too.
  const expired = useExpired(dataUpdatedAt, 2 * refreshMs);
  const stale = expired || (Boolean(error) && stream !== "live");
  const reason: StaleReason =
    error instanceof ApiRequestError && (error.status === 401 || error.status === 403) ? "signed-out" : error || !data ? "unreachable" : "stale";

  const environments = data?.environments;
  const view = useMemo(() => applyViewFilter(environments ?? [], opts.filter), [environments, opts.filter]);
  const allInScope = useMemo(
    () => (opts.filter.problemsOnly ? applyViewFilter(environments ?? [], { ...opts.filter, problemsOnly: false }).shown.length : view.scopeSize),
    [environments, opts.filter, view.scopeSize],
  );

  const rootRef = useRef<HTMLDivElement>(null);
  const gridRef = useRef<HTMLDivElement>(null);
  const root = useElementSize(rootRef);
  const grid = useElementSize(gridRef);
  const unit = root.width ? wallUnit(root.width, root.height) : 1;

  const namesKey = view.shown.map((e) => e.name).join("\u0000");
  const names = useMemo(
    () => (typeof document === "undefined" ? { oneLine: 0, twoLines: 0 } : measureNames(namesKey ? namesKey.split("\u0000") : [], getComputedStyle(document.body).fontFamily)),
    [namesKey],
  );
  const layout = computeWallLayout({
    count: view.shown.length,
    width: grid.width,
    height: grid.height,
    unit,
    gap: GAP,
    longestName20: names.oneLine,
    longestName20TwoLines: names.twoLines,
  });
  const page = useRotation(layout.pages, opts.rotateS * 1000);
  const visible = view.shown.slice(page * layout.perPage, (page + 1) * layout.perPage);
  const measured = grid.width > 0 && grid.height > 0;

  let body: React.ReactNode;
  if (!data) {
    body = <div className="wall-message">Connecting to Flightboard…</div>;
  } else if (view.shown.length === 0 && opts.filter.problemsOnly && allInScope > 0) {
    body = (
      <div className="wall-message wall-all-clear status-healthy" data-testid={TID.wallAllClear}>
        <StatusIcon status="healthy" />
        <span>All {allInScope} environments are healthy</span>
      </div>
    );
  } else if (view.shown.length === 0) {
    body = <div className="wall-message">No environment matches this selection.</div>;
  } else if (measured) {
    body = (
      <div
        className={`wall-grid wall-grid-${layout.density}`}
        role="list"
        aria-label="Environments"
        data-density={layout.density}
        data-cols={layout.cols}
        data-rows={layout.rows}
        style={{
          gridTemplateColumns: `repeat(${layout.cols}, minmax(0, 1fr))`,
          gridTemplateRows: `repeat(${layout.rows}, minmax(0, 1fr))`,
          ["--fs" as string]: layout.fontScale,
        }}
      >
        {visible.map((env) => (
          <WallTile key={env.id} env={env} density={layout.density} />
        ))}
      </div>
    );
  }

  return (
    <div ref={rootRef} className={`wall${stale ? " wall-is-stale" : ""}`} data-testid={TID.wall} data-stale={stale} data-page={page + 1} data-pages={layout.pages}>
      <div className="wall-drift">
        <h1 className="sr-only">Flightboard wall screen</h1>
        <WallHeader
          selection={describeSelection(opts.filter)}
          counts={view.counts}
          total={view.scopeSize}
          page={page}
          pages={layout.pages}
          rotateS={opts.rotateS}
          updatedAt={dataUpdatedAt}
        />
        {stale && <StaleBanner reason={reason} updatedAt={dataUpdatedAt} refreshS={opts.refreshS} />}
        <main ref={gridRef} className="wall-area">
          {body}
        </main>
      </div>
    </div>
  );
}
