import "server-only";
import type { AlertStore } from "@/lib/alerts/records";
import type { FlightboardConfig } from "@/lib/config/types";
import type { FleetMonitor } from "@/lib/monitor/monitor";
import type { HistoryStore } from "@/lib/store/index";
import type { AlertsChange } from "@/lib/store/replication";
import { mirrorAlerting, startAlerting } from "./alerting";
import { iso } from "@/lib/monitor/clock";
import { addReadinessCheck, setRoleSource } from "./readiness";
import { Replica } from "./replicas";

type Alerting = Awaited<ReturnType<typeof startAlerting>>;
type Mirror = ReturnType<typeof mirrorAlerting>;

/** The shared alert store, announcing every write so the other replicas read it again. */
function announcing<S extends AlertStore>(store: S, announce: (what: AlertsChange) => void): S {
  const after =
    <A extends unknown[], R>(fn: (...a: A) => Promise<R>, what: AlertsChange) =>
    async (...a: A): Promise<R> => {
      const r = await fn(...a);
      announce(what);
      return r;
    };
  return Object.assign(Object.create(store) as S, {
    commit: after(store.commit.bind(store), "alerts"),
    recordAttempt: after(store.recordAttempt.bind(store), "alerts"),
    saveSilence: after(store.saveSilence.bind(store), "silences"),
    deleteSilence: after(store.deleteSilence.bind(store), "silences"),
  });
}

/**
 * Starts this process as one of several replicas (contract §11): the role goes to /api/readyz.
 * Alerting runs only on the leader, on the shared PostgreSQL records, so a new leader continues the
 * firing alerts and unsent deliveries of the previous one instead of sending them again. A follower
 * answers alert reads from a mirror of those records, read again whenever a replica announces a
 * change; a silence added on a follower is stored and the leader takes it from there.
 */
export function startReplica(ctx: { monitor: FleetMonitor; store: HistoryStore; url: string; config: FlightboardConfig }, setAlerting: (a: Alerting) => void): Replica {
  let alerting: Alerting = null;
  let mirror: Mirror = null;
  const log = (m: string) => console.error(`flightboard: replica: ${m}`);
  const store = announcing(ctx.store.alertStore(), (what) => replica.announceAlerts(what));
  const follow = () => {
    mirror = mirrorAlerting(ctx.monitor, ctx.config, store);
    setAlerting(mirror);
    void mirror?.refresh().catch((e: unknown) => log(`could not read alerts: ${e instanceof Error ? e.message : String(e)}`));
  };
  const replica = new Replica({
    monitor: ctx.monitor,
    store: ctx.store,
    url: ctx.url,
    onPromote: async () => {
      mirror?.stop();
      mirror = null;
      alerting = await startAlerting(ctx.monitor, ctx.config, store);
      setAlerting(alerting);
    },
    onDemote: () => {
      alerting?.stop();
      alerting = null;
      follow();
    },
    onAlerts: (what) => {
      if (mirror) void mirror.refresh().catch((e: unknown) => log(`could not read alerts: ${e instanceof Error ? e.message : String(e)}`));
      // A silence added or lifted on a follower: the leader mutes (or releases) from now on.
      else if (alerting && what === "silences")
        void store.read(Date.now(), 0).then(
          (s) => alerting?.engine.replaceSilences(s.silences),
          () => {},
        );
    },
  });
  follow();
  setRoleSource(() => replica.current);
  // Contract §10: not ready while storage is unreachable. A follower writes nothing, so history's
  // own check cannot see it; its feed can. Pages and the API keep serving the last snapshot.
  addReadinessCheck("replication", () => {
    const since = replica.disconnectedSince;
    if (since !== null) throw new Error(`database unreachable since ${iso(since)}; serving the snapshot of that time`);
  });
  replica.start();
  return replica;
}
