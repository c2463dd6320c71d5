import type { NotificationType } from "./notification";
import type { AlertRecord } from "./records";
import { conditionKey, isHeld, type Evaluation } from "./view";

/**
 * The alert life cycle of contract §8, as one function of (state, evaluation, time): a condition
 * that held for `for` seconds opens one alert; the alert notifies once (when not muted), reminds
 * every `repeatMinutes`, and on clearing sends one resolution (when its firing was sent) and ends.
 * Muting (windows, silences) only delays notifications: what is still firing, or resolved after a
 * sent firing, goes out when the mute ends; nothing already sent is sent again.
 */

export interface LifecycleState {
  /** Firing alerts by condition key. */
  open: Map<string, AlertRecord>;
  /** Condition key → since when it holds, while `for` has not elapsed. */
  pending: Map<string, number>;
  /** Resolved alerts whose firing was sent and whose resolution waits for a mute to end, by id. */
  unsentResolutions: Map<string, AlertRecord>;
}

export interface StepResult {
  /** Alerts created or changed (to write through). */
  changed: AlertRecord[];
  notify: { alert: AlertRecord; type: NotificationType }[];
}

export function emptyState(): LifecycleState {
  return { open: new Map(), pending: new Map(), unsentResolutions: new Map() };
}

/** Rebuilds the state from stored alerts (after a restart). */
export function restoreState(alerts: readonly AlertRecord[]): LifecycleState {
  const s = emptyState();
  for (const a of alerts) {
    if (a.state === "firing") s.open.set(conditionKey(a.rule, a.environmentId, a.dagId), a);
    else if (a.notifiedAt !== null && a.resolvedNotifiedAt === null) s.unsentResolutions.set(a.id, a);
  }
  return s;
}

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

export function step(
  s: LifecycleState,
  ev: Evaluation,
  now: number,
  muted: (a: AlertRecord) => boolean,
  newId: () => string,
): StepResult {
  const changed = new Map<string, AlertRecord>();
  const notify: StepResult["notify"] = [];
  const active = new Map(ev.active.map((c) => [c.key, c]));

  for (const c of active.values()) {
    const open = s.open.get(c.key);
    if (open) {
      // Same alert, new details (status worsened, reasons changed): kept for the page, not re-sent.
      if (open.status !== c.status || !sameList(open.reasons, c.reasons)) {
        open.status = c.status;
        open.reasons = c.reasons;
        changed.set(open.id, open);
      }
      continue;
    }
    const since = s.pending.get(c.key) ?? now;
    if (now - since < c.forSeconds * 1000) {
      s.pending.set(c.key, since);
      continue;
    }
    s.pending.delete(c.key);
    const a: AlertRecord = {
      id: newId(),
      rule: c.rule,
      environmentId: c.environmentId,
      dagId: c.dagId,
      status: c.status,
      reasons: c.reasons,
      channels: c.channels,
      repeatMinutes: c.repeatMinutes,
      state: "firing",
      startedAt: since,
      endedAt: null,
      notifiedAt: null,
      resolvedNotifiedAt: null,
      lastReminderAt: null,
    };
    s.open.set(c.key, a);
    changed.set(a.id, a);
  }

  for (const key of [...s.pending.keys()]) if (!active.has(key) && !isHeld(ev.held, key)) s.pending.delete(key);

  for (const [key, a] of [...s.open]) {
    if (active.has(key) || isHeld(ev.held, key)) continue;
    s.open.delete(key);
    a.state = "resolved";
    a.endedAt = now;
    changed.set(a.id, a);
    // Opened and cleared inside a mute: nothing was sent, so nothing is resolved anywhere.
    if (a.notifiedAt !== null) s.unsentResolutions.set(a.id, a);
  }

  for (const a of s.open.values()) {
    if (muted(a)) continue;
    if (a.notifiedAt === null) {
      a.notifiedAt = now;
      notify.push({ alert: a, type: "alert.firing" });
      changed.set(a.id, a);
    } else if (a.repeatMinutes > 0 && now - (a.lastReminderAt ?? a.notifiedAt) >= a.repeatMinutes * 60_000) {
      a.lastReminderAt = now;
      notify.push({ alert: a, type: "alert.reminder" });
      changed.set(a.id, a);
    }
  }
  for (const a of [...s.unsentResolutions.values()]) {
    if (muted(a)) continue;
    s.unsentResolutions.delete(a.id);
    a.resolvedNotifiedAt = now;
    notify.push({ alert: a, type: "alert.resolved" });
    changed.set(a.id, a);
  }
  return { changed: [...changed.values()], notify };
}
