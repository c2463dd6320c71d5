import type { DagRunDto } from "@/lib/monitor/dto";
import { TID } from "@/lib/test-ids";
import { formatDuration, formatTime } from "../format";
import { StatusIcon } from "../status-icon";
import { RUN_STATE_LABEL } from "../status-meta";

/**
 * Recent runs as a strip of cells, oldest left, newest right (like Airflow's grid). Each cell has
 * colour, an icon and an accessible name with the state in words, and links to the run in Airflow.
 * The table below the strip repeats everything as text, so nothing depends on hovering.
 */
export function RunStrip({ runs }: { runs: DagRunDto[] }) {
  const ordered = [...runs].reverse();
  return (
    <ol className="run-strip" data-testid={TID.runStrip} aria-label="Recent runs, oldest first">
      {ordered.map((r, i) => {
        const label = `${r.runId}: ${RUN_STATE_LABEL[r.state]}, started ${formatTime(r.startDate)}, ${formatDuration(r.durationS)}`;
        const cls = `run-cell run-${r.state}${i === ordered.length - 1 ? " is-latest" : ""}`;
        return (
          <li key={r.runId}>
            {r.url ? (
              <a className={cls} href={r.url} target="_blank" rel="noreferrer noopener" aria-label={`${label} (open in Airflow)`} title={label} data-testid={TID.runCell} data-state={r.state}>
                <StatusIcon status={r.state} />
              </a>
            ) : (
              <span className={cls} role="img" aria-label={label} title={label} data-testid={TID.runCell} data-state={r.state}>
                <StatusIcon status={r.state} />
              </span>
            )}
          </li>
        );
      })}
    </ol>
  );
}
