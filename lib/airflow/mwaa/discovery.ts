import { ListEnvironmentsCommand } from "@aws-sdk/client-mwaa";
import { AirflowError } from "../errors";
import { mwaaClientFor } from "./aws";
import { fromAwsError } from "./aws-errors";

/** Settings of one contract §2 `discovery.mwaa` block (endpoint already resolved by the config layer). */
export interface MwaaDiscoverySettings {
  regions: string[];
  profile?: string;
  roleArn?: string;
  endpoint?: string;
  /** STS endpoint for `roleArn`; default: `endpoint` when set. */
  stsEndpoint?: string;
  /** Per-call timeout in ms (default 10 000). */
  timeoutMs?: number;
}

/** One environment found by discovery. */
export interface DiscoveredMwaaEnvironment {
  environmentName: string;
  region: string;
}

/** ListEnvironments answers at most 25 names per page; this bounds a runaway NextToken loop. */
const MAX_PAGES = 1000;

/**
 * Lists every MWAA environment in the given regions (`ListEnvironments`, paged by `NextToken`),
 * regions in parallel. Rejects with an `AirflowError` naming the region when any region fails, so
 * the caller keeps its previous list instead of dropping environments on a transient error.
 */
export async function discoverMwaa(settings: MwaaDiscoverySettings, signal: AbortSignal): Promise<DiscoveredMwaaEnvironment[]> {
  const timeoutMs = settings.timeoutMs ?? 10_000;
  const perRegion = await Promise.all(
    [...new Set(settings.regions)].map(async (region) => {
      const target = { region, profile: settings.profile, roleArn: settings.roleArn, endpoint: settings.endpoint, stsEndpoint: settings.stsEndpoint };
      const client = mwaaClientFor(target);
      const names: string[] = [];
      let next: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const timeout = AbortSignal.timeout(timeoutMs);
        try {
          const out = await client.send(new ListEnvironmentsCommand({ MaxResults: 25, NextToken: next }), {
            abortSignal: AbortSignal.any([signal, timeout]),
          });
          names.push(...(out.Environments ?? []));
          next = out.NextToken || undefined;
        } catch (e) {
          const err = fromAwsError(e, {
            op: "ListEnvironments",
            region,
            url: settings.endpoint ?? `https://api.airflow.${region}.amazonaws.com`,
            timeoutMs,
            timedOut: timeout.aborted,
            profile: settings.profile,
          });
          throw new AirflowError({
            kind: err.kind,
            message: `MWAA discovery in ${region}: ${err.message}`,
            httpStatus: err.httpStatus,
            cause: e,
          });
        }
        if (!next) break;
      }
      return [...new Set(names)].map((environmentName) => ({ environmentName, region }));
    }),
  );
  return perRegion.flat();
}
