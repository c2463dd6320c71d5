"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { AlertDto, ChannelDto } from "@/lib/alerts/dto";
import { alertQueryKeys, createSilence, deleteSilence, sendTest, silencesQuery } from "@/lib/queries/alerts";
import { TID } from "@/lib/test-ids";
import { Age } from "../age";

/** What a new silence covers: prefilled from an alert's "Silence…" button. */
export interface SilenceDraft {
  environmentId: string;
  dagId: string | null;
}

export function SilenceForm({ draft, onDone }: { draft: SilenceDraft | null; onDone: () => void }) {
  const qc = useQueryClient();
  const [env, setEnv] = useState(draft?.environmentId ?? "");
  const [dag, setDag] = useState(draft?.dagId ?? "");
  const [hours, setHours] = useState("2");
  const [comment, setComment] = useState("");
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const h = Number(hours);
    if (!(h > 0)) return setError("hours must be a positive number");
    try {
      await createSilence({
        environments: env.trim() ? { ids: env.split(",").map((s) => s.trim()).filter(Boolean) } : null,
        dags: dag.trim() ? { include: dag.split(",").map((s) => s.trim()).filter(Boolean) } : null,
        until: new Date(Date.now() + h * 3600_000).toISOString(),
        comment,
      });
      await qc.invalidateQueries({ queryKey: alertQueryKeys.silences() });
      await qc.invalidateQueries({ queryKey: ["alerts"] });
      onDone();
    } catch (err) {
      setError(err instanceof Error ? err.message : "could not create the silence");
    }
  };
  return (
    <form className="silence-form" onSubmit={submit} data-testid={TID.silenceForm}>
      <label>
        Environments <input value={env} onChange={(e) => setEnv(e.target.value)} placeholder="ids or globs, comma-separated; empty = all" />
      </label>
      <label>
        DAGs <input value={dag} onChange={(e) => setDag(e.target.value)} placeholder="optional globs" />
      </label>
      <label>
        Hours <input value={hours} onChange={(e) => setHours(e.target.value)} inputMode="decimal" size={4} />
      </label>
      <label className="silence-comment">
        Comment <input value={comment} onChange={(e) => setComment(e.target.value)} placeholder="why" />
      </label>
      <button type="submit" className="chip">
        Create silence
      </button>
      {error && <p className="text-failed">{error}</p>}
    </form>
  );
}

export function SilencesPanel({ draft, setDraft }: { draft: SilenceDraft | null | undefined; setDraft: (d: SilenceDraft | null | undefined) => void }) {
  const qc = useQueryClient();
  const { data } = useQuery(silencesQuery(true));
  const silences = data?.silences ?? [];
  return (
    <section className="panel" aria-labelledby="silences-h">
      <h2 id="silences-h">Silences</h2>
      <p className="muted">Silences and maintenance windows hold notifications only; alerts still open, close and show here.</p>
      {silences.length === 0 ? (
        <p className="muted">No active silence.</p>
      ) : (
        <ul className="silence-list">
          {silences.map((s) => (
            <li key={s.id} data-testid={TID.silenceRow}>
              <strong>{s.environments ? ("ids" in s.environments ? s.environments.ids.join(", ") : Object.entries(s.environments.tags).map(([k, v]) => `${k}=${v}`).join(", ")) : "all environments"}</strong>
              {s.dags?.include && <> · DAGs {s.dags.include.join(", ")}</>} · until {s.until.replace("T", " ").replace(/:\d\dZ$/, " UTC")} {s.comment && <>· “{s.comment}”</>}{" "}
              <span className="muted">{s.createdBy ? `by ${s.createdBy}, ` : ""}<Age iso={s.createdAt} suffix=" ago" step={5} /></span>{" "}
              <button
                type="button"
                className="chip"
                onClick={async () => {
                  await deleteSilence(s.id).catch(() => undefined);
                  await qc.invalidateQueries({ queryKey: alertQueryKeys.silences() });
                  await qc.invalidateQueries({ queryKey: ["alerts"] });
                }}
              >
                Lift
              </button>
            </li>
          ))}
        </ul>
      )}
      {draft === undefined ? (
        <button type="button" className="chip" onClick={() => setDraft(null)}>
          New silence…
        </button>
      ) : (
        <SilenceForm key={draft ? `${draft.environmentId}/${draft.dagId}` : "new"} draft={draft} onDone={() => setDraft(undefined)} />
      )}
    </section>
  );
}

export function ChannelsPanel({ channels }: { channels: ChannelDto[] }) {
  const [result, setResult] = useState<Record<string, string>>({});
  return (
    <section className="panel" aria-labelledby="channels-h">
      <h2 id="channels-h">Channels</h2>
      {channels.length === 0 ? (
        <p className="muted">No channel is configured (alerts.channels).</p>
      ) : (
        <ul className="channel-list">
          {channels.map((c) => (
            <li key={c.name} data-testid={TID.channelRow} data-disabled={c.disabled ? "true" : "false"}>
              <strong>{c.name}</strong> <span className="badge">{c.type}</span>{" "}
              {c.disabled ? <span className="text-failed">disabled: {c.disabled}</span> : <span className="muted">ready</span>}{" "}
              <button
                type="button"
                className="chip"
                data-testid={TID.channelTest}
                onClick={async () => {
                  setResult((r) => ({ ...r, [c.name]: "sending…" }));
                  const out = await sendTest(c.name).catch((e: Error) => ({ ok: false, error: e.message }));
                  setResult((r) => ({ ...r, [c.name]: out.ok ? "test delivered" : `test failed: ${out.error ?? "unknown"}` }));
                }}
              >
                Send test
              </button>{" "}
              {result[c.name] && <span role="status">{result[c.name]}</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export type { AlertDto };
