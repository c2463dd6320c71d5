import type { ReactNode } from "react";

/** A column's header: its text, or its text and a class for the header cell ("num", "wide-only"). */
export type Column = string | { label: string; className: string };

/**
 * A table in the wrapper that scrolls sideways on a narrow screen: a header cell per column, the
 * rows (`<tr>`s) as children, and `after` under the table inside the wrapper (a "show more" button).
 */
export function DataTable({ columns, children, after, className, testId }: { columns: readonly Column[]; children: ReactNode; after?: ReactNode; className?: string; testId?: string }) {
  return (
    <div className="table-wrap">
      <table className={className} data-testid={testId}>
        <thead>
          <tr>
            {columns.map((c) =>
              typeof c === "string" ? <th key={c} scope="col">{c}</th> : <th key={c.label} scope="col" className={c.className}>{c.label}</th>,
            )}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
      {after}
    </div>
  );
}

/**
 * An identifier (a DAG id, a run id) that may wrap only after its separators: `crm_mobile_aggregate`
 * becomes `crm_mobile_` / `aggregate` in a narrow column instead of one letter per line. Its cell
 * needs the `ident` class, which lets a table give the column the width of its longest part.
 */
/** After these characters an identifier may wrap (run ids: `scheduled__2026-12-06T22:40:00+00:00`). */
export const IDENT_BREAKS = /(?<=[_.\-/:+])/;

export function Ident({ text }: { text: string }) {
  const parts = text.split(IDENT_BREAKS);
  return <>{parts.map((p, i) => (i === 0 ? p : <span key={i}><wbr />{p}</span>))}</>;
}
