import type { MaintenanceConfig } from "@/lib/config/alerts";
import { windowAt } from "./calendar";
import { selectsDag, selectsEnvironment } from "./match";
import type { SilenceRecord } from "./records";

/** Whether notifications about a subject are muted now by a maintenance window or a silence. */
export function isMuted(
  subject: { environmentId: string; dagId: string | null },
  tagsOf: (environmentId: string) => Record<string, string>,
  windows: readonly MaintenanceConfig[],
  silences: Iterable<SilenceRecord>,
  now: number,
): boolean {
  const env = { id: subject.environmentId, tags: tagsOf(subject.environmentId) };
  for (const w of windows) {
    if (selectsEnvironment(w.environments, env) && windowAt(now, w)) return true;
  }
  for (const s of silences) {
    if (s.until <= now || !selectsEnvironment(s.environments, env)) continue;
    // A silence with a DAG selector covers only DAG subjects it names.
    if (s.dags && (subject.dagId === null || !selectsDag(s.dags, subject.dagId))) continue;
    return true;
  }
  return false;
}
