"use client";
import Link from "next/link";
import { TID } from "@/lib/test-ids";
import { Field } from "../field";
import type { ViewFilter } from "./view-filter";

export interface FilterBarProps {
  filter: ViewFilter;
  text: string;
  onText: (text: string) => void;
  tags: { key: string; values: { value: string; count: number }[] }[];
  onAddTag: (key: string, value: string) => void;
  onRemoveTag: (key: string, value: string) => void;
  onClear: () => void;
  wallHref: string;
}

/** Text filter, tag filter (a menu to add, chips to remove) and a link to the wall with the same view. */
export function FilterBar({ filter, text, onText, tags, onAddTag, onRemoveTag, onClear, wallHref }: FilterBarProps) {
  const active = filter.tags.length > 0 || filter.statuses.length > 0 || text.trim() !== "";
  return (
    <div className="filter-bar" role="search" aria-label="Filter environments">
      <Field label="Filter">
        {(id) => (
          <input
            id={id}
            type="search"
            className="input"
            placeholder="name, tag, version…"
            value={text}
            onChange={(e) => onText(e.target.value)}
            data-testid={TID.filterText}
            autoComplete="off"
            spellCheck={false}
          />
        )}
      </Field>
      {tags.length > 0 && (
        <Field label="Tag">
          {(id) => (
            <select
              id={id}
              className="input"
              value=""
              data-testid={TID.filterTag}
              onChange={(e) => {
                const v = e.target.value;
                const i = v.indexOf(":");
                if (i > 0) onAddTag(v.slice(0, i), v.slice(i + 1));
              }}
            >
              <option value="">Add a tag filter…</option>
              {tags.map((t) => (
                <optgroup key={t.key} label={t.key}>
                  {t.values.map((v) => (
                    <option
                      key={v.value}
                      value={`${t.key}:${v.value}`}
                      disabled={filter.tags.some((f) => f.key === t.key && f.value === v.value)}
                    >
                      {t.key}: {v.value} ({v.count})
                    </option>
                  ))}
                </optgroup>
              ))}
            </select>
          )}
        </Field>
      )}
      {filter.tags.length > 0 && (
        <ul className="chips" aria-label="Active tag filters">
          {filter.tags.map((t) => (
            <li key={`${t.key}:${t.value}`}>
              <button
                type="button"
                className="chip"
                onClick={() => onRemoveTag(t.key, t.value)}
                aria-label={`Remove tag filter ${t.key}: ${t.value}`}
                data-testid={TID.tagChip}
              >
                {t.key}: {t.value} <span aria-hidden="true">×</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="filter-actions">
        {active && (
          <button type="button" className="button-link" onClick={onClear} data-testid={TID.filterClear}>
            Clear filters
          </button>
        )}
        <Link href={wallHref} className="button-link" prefetch={false}>
          Open as wall screen
        </Link>
      </div>
    </div>
  );
}
