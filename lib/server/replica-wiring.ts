import "server-only";
import type { FlightboardConfig } from "@/lib/config/types";
import type { FleetMonitor } from "@/lib/monitor/monitor";
import type { HistoryStore } from "@/lib/store/index";
import { startAlerting } from "./alerting";
import { setRoleSource } from "./readiness";
import { Replica } from "./replicas";

type Alerting = Awaited<ReturnType<typeof startAlerting>>;

/**
 * Starts this process as one of several replicas (contract §11): the role goes to /api/readyz, and
 * alerting runs only on the leader, on the shared PostgreSQL records so a new leader continues the
 * firing alerts and unsent deliveries of the previous one instead of sending them again.
 */
export function startReplica(ctx: { monitor: FleetMonitor; store: HistoryStore; url: string; config: FlightboardConfig }, setAlerting: (a: Alerting) => void): Replica {
  let alerting: Alerting = null;
  const replica = new Replica({
    monitor: ctx.monitor,
    store: ctx.store,
    url: ctx.url,
    onPromote: async () => {
      alerting = await startAlerting(ctx.monitor, ctx.config, ctx.store.alertStore());
      setAlerting(alerting);
    },
    onDemote: () => {
      alerting?.stop();
      alerting = null;
      setAlerting(null);
    },
  });
  setRoleSource(() => replica.current);
  replica.start();
  return replica;
}
