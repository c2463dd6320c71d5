"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useId, useRef, useState } from "react";
import { queryKeys } from "@/lib/queries";
import { fetchJson } from "@/lib/queries/fetch-json";
import { plural } from "../format";
import { errorText, send } from "./action-buttons";
import "./actions.css";

/**
 * Bulk actions from the board and the search page (issue 15): pick DAGs across environments, pick
 * what to do, review — the server's dry run says item by item exactly what will happen where (or
 * why an item will be skipped: not an operator there, not failing any more…) — then confirm once.
 * The confirmed request names the runs the review showed; each item's result is said in words.
 */

export interface BulkTarget {
  environmentId: string;
  environmentName: string;
  dagId: string;
}

export type BulkAction = "clear" | "trigger" | "pause" | "resume";

export const BULK_LABEL: Record<BulkAction, string> = { clear: "Re-run failed tasks", trigger: "Trigger a run", pause: "Pause", resume: "Resume" };

interface ItemResult {
  environmentId: string;
  dagId: string;
  runId: string | null;
  ok: boolean;
  code?: string;
  message: string;
}

interface BulkAnswer {
  message: string;
  results: ItemResult[];
}

/** The server's limit on one bulk request (README, Actions). */
export const MAX_BULK_ITEMS = 100;

/**
 * Whether the caller may act on any environment it sees, else why not (`GET /api/v1/actions`). The
 * board and the search page show their selection and buttons only when it may: a wall screen, a
 * viewer or a board with actions off sees no controls it cannot use.
 */
export function useActingScope() {
  return useQuery({
    queryKey: queryKeys.actingScope(),
    queryFn: ({ signal }) => fetchJson<{ allowed: boolean; reason: string | null }>("/api/v1/actions", signal),
    staleTime: 5 * 60_000,
    retry: false,
  });
}

const keyOf = (t: { environmentId: string; dagId: string }) => `${t.environmentId}\u0000${t.dagId}`;

/** The selection: DAGs by environment, kept in the order they were picked. */
export function useBulkSelection() {
  const [selected, setSelected] = useState<Map<string, BulkTarget>>(new Map());
  const toggle = useCallback((t: BulkTarget, on?: boolean) => {
    setSelected((old) => {
      const next = new Map(old);
      const k = keyOf(t);
      if (on ?? !next.has(k)) next.set(k, t);
      else next.delete(k);
      return next;
    });
  }, []);
  const setMany = useCallback((ts: BulkTarget[], on: boolean) => {
    setSelected((old) => {
      const next = new Map(old);
      for (const t of ts) {
        if (on) next.set(keyOf(t), t);
        else next.delete(keyOf(t));
      }
      return next;
    });
  }, []);
  const clear = useCallback(() => setSelected(new Map()), []);
  return { selected, has: (t: { environmentId: string; dagId: string }) => selected.has(keyOf(t)), toggle, setMany, clear };
}

async function post(body: Record<string, unknown>): Promise<{ ok: true; answer: BulkAnswer } | { ok: false; text: string }> {
  const r = await send("/api/v1/actions/bulk", "POST", body);
  if (!r.ok) return { ok: false, text: errorText(r.json) };
  return { ok: true, answer: r.json as unknown as BulkAnswer };
}

function ResultList({ results, testId, names }: { results: ItemResult[]; testId: string; names: Map<string, string> }) {
  return (
    <ul className="bulk-list" data-testid={testId}>
      {results.map((r) => (
        <li key={keyOf(r)} className={r.ok ? "bulk-ok" : "bulk-skip"} data-ok={r.ok} data-env-id={r.environmentId} data-dag-id={r.dagId}>
          <span className="bulk-mark" aria-hidden="true">{r.ok ? "✓" : "✕"}</span>
          <span>{r.ok ? r.message : <><strong>{r.dagId}</strong> in {names.get(r.environmentId) ?? r.environmentId}: {r.message}</>}</span>
        </li>
      ))}
    </ul>
  );
}

/**
 * The bar under a selection: what to do, review, confirm, results. `actions` limits the choice
 * (the board's failing DAGs default to re-running their failed tasks).
 */
export function BulkBar({ selection, actions = ["clear", "trigger", "pause", "resume"], onDone }: {
  selection: ReturnType<typeof useBulkSelection>;
  actions?: BulkAction[];
  onDone?: () => void;
}) {
  const qc = useQueryClient();
  const selectId = useId();
  const confirmRef = useRef<HTMLDivElement>(null);
  const [action, setAction] = useState<BulkAction>(actions[0]);
  const [stage, setStage] = useState<"idle" | "reviewing" | "confirm" | "busy">("idle");
  const [plan, setPlan] = useState<BulkAnswer | null>(null);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string; results?: ItemResult[] } | null>(null);
  // Environment names for the item lines, kept past the selection (cleared once the actions are sent).
  const [names, setNames] = useState<Map<string, string>>(new Map());
  const items = [...selection.selected.values()];
  const envCount = new Set(items.map((i) => i.environmentId)).size;
  const tooMany = items.length > MAX_BULK_ITEMS;
  // Keyboard and screen-reader users land on the confirmation when it opens.
  useEffect(() => {
    if (stage === "confirm") confirmRef.current?.focus();
  }, [stage]);
  if (items.length === 0 && !outcome) return null;

  const review = async () => {
    setOutcome(null);
    setNames(new Map(items.map((i) => [i.environmentId, i.environmentName])));
    setStage("reviewing");
    const r = await post({ action, dryRun: true, items: items.map(({ environmentId, dagId }) => ({ environmentId, dagId })) });
    if (!r.ok) {
      setOutcome({ ok: false, text: `Cannot review: ${r.text}` });
      setStage("idle");
      return;
    }
    setPlan(r.answer);
    setStage("confirm");
  };

  const confirm = async () => {
    if (!plan) return;
    setStage("busy");
    // Exactly what the review showed: the runs it named, none of the skipped items.
    const go = plan.results.filter((x) => x.ok).map((x) => ({ environmentId: x.environmentId, dagId: x.dagId, ...(action === "clear" && x.runId ? { runId: x.runId } : {}) }));
    const r = await post({ action, items: go });
    setStage("idle");
    setPlan(null);
    if (!r.ok) return setOutcome({ ok: false, text: `${BULK_LABEL[action]}: not done: ${r.text}` });
    const failed = r.answer.results.filter((x) => !x.ok).length;
    setOutcome({ ok: failed === 0, text: `${BULK_LABEL[action]}: ${r.answer.message}.`, results: r.answer.results });
    selection.clear();
    for (const env of new Set(go.map((g) => g.environmentId))) {
      void qc.invalidateQueries({ queryKey: queryKeys.environment(env) });
      void qc.invalidateQueries({ queryKey: ["dags", env] });
    }
    void qc.invalidateQueries({ queryKey: queryKeys.failing() });
    void qc.invalidateQueries({ queryKey: queryKeys.search("").slice(0, 1) });
    onDone?.();
  };

  const doable = plan?.results.filter((x) => x.ok).length ?? 0;
  const skipped = (plan?.results.length ?? 0) - doable;
  return (
    <div className="bulk-bar" role="region" aria-label="Act on the selected DAGs" data-testid="bulk-bar">
      {items.length > 0 && (
        <div className="bulk-row">
          <strong data-testid="bulk-count">{plural(items.length, "DAG")} selected in {plural(envCount, "environment")}</strong>
          <label htmlFor={selectId} className="sr-only">Action</label>
          <select id={selectId} className="input" value={action} disabled={stage !== "idle"} onChange={(e) => setAction(e.target.value as BulkAction)} data-testid="bulk-action">
            {actions.map((a) => <option key={a} value={a}>{BULK_LABEL[a]}</option>)}
          </select>
          <button type="button" className="action-btn danger" disabled={stage !== "idle" || tooMany} onClick={review} data-testid="bulk-review">
            {stage === "reviewing" ? "Checking…" : "Review…"}
          </button>
          <button type="button" className="action-btn" disabled={stage === "busy" || stage === "reviewing"} onClick={() => { selection.clear(); setPlan(null); setStage("idle"); }}>
            Clear selection
          </button>
          {tooMany && <span className="action-why muted" data-testid="bulk-too-many">At most {MAX_BULK_ITEMS} at a time: unselect {items.length - MAX_BULK_ITEMS}.</span>}
        </div>
      )}
      {plan && (stage === "confirm" || stage === "busy") && (
        <div className="bulk-confirm" role="dialog" aria-label={`Confirm: ${BULK_LABEL[action]}`} tabIndex={-1} ref={confirmRef} data-testid="bulk-confirm">
          <p>
            <strong>
              {doable === 0
                ? "Nothing can be done:"
                : `${BULK_LABEL[action]}: this sends ${plural(doable, "request")} to Airflow, each once${skipped > 0 ? `; ${skipped} selected will be skipped` : ""}:`}
            </strong>
          </p>
          <ResultList results={plan.results} testId="bulk-plan" names={names} />
          <div className="bulk-row">
            <button type="button" className="action-btn danger" disabled={stage === "busy" || doable === 0} onClick={confirm} data-testid="bulk-confirm-go">
              {stage === "busy" ? "Sending…" : `Confirm ${plural(doable, "action")}`}
            </button>
            <button type="button" className="action-btn" disabled={stage === "busy"} onClick={() => { setPlan(null); setStage("idle"); }}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {outcome && (
        <div role="status" className={`bulk-outcome ${outcome.ok ? "action-ok" : "action-fail"}`} data-testid="bulk-result">
          <p>{outcome.text}</p>
          {outcome.results && <ResultList results={outcome.results} testId="bulk-results" names={names} />}
          <button type="button" className="action-btn" onClick={() => setOutcome(null)}>Dismiss</button>
        </div>
      )}
    </div>
  );
}
