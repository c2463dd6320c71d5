"use client";
import { useId, type ReactNode } from "react";

/** A labelled control of a filter bar: the label above, the control below, tied by a generated id. */
export function Field({ label, children }: { label: string; children: (id: string) => ReactNode }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id} className="field-label">{label}</label>
      {children(id)}
    </div>
  );
}

export interface SelectOption {
  value: string;
  label: string;
}

/** A labelled menu of `options` that reports the chosen value. */
export function SelectField({ label, value, onChange, options, testId }: { label: string; value: string; onChange: (value: string) => void; options: readonly SelectOption[]; testId: string }) {
  return (
    <Field label={label}>
      {(id) => (
        <select id={id} className="input" value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
          {options.map((o) => (
            <option key={o.value} value={o.value}>{o.label}</option>
          ))}
        </select>
      )}
    </Field>
  );
}
