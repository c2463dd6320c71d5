import type { CallLimits } from "../transport";
import { DEFAULT_MAX_BYTES } from "../transport";
import { DEFAULT_COMPOSER_ENDPOINT, listComposerEnvironments } from "./api";
import { sharedGoogleTokenSources, type GoogleAuthClientOptions, type GoogleTokenSources } from "./google-auth";

/** Settings of one contract §2 `discovery.composer` entry (plus runtime wiring). */
export interface ComposerDiscoverySettings {
  project: string;
  locations: string[];
  credentialsFile?: string;
  /** Default `https://composer.googleapis.com`. */
  apiEndpoint?: string;
  authClientOptions?: GoogleAuthClientOptions;
  /** Per-call limits; default 10 s and the shared size cap. */
  limits?: CallLimits;
  fetch?: typeof fetch;
  tokenSources?: GoogleTokenSources;
  /** Page size of `environments.list` (default 100). */
  pageSize?: number;
}

/** One environment found by discovery. */
export interface DiscoveredComposerEnvironment {
  project: string;
  location: string;
  environment: string;
}

/**
 * `environments.list`, every page, for each location of the project (sequentially: discovery runs
 * every `refresh.dags` seconds and a project rarely has many locations). Rejects with the first
 * `AirflowError`, so a location that cannot be read is reported rather than silently dropped.
 */
export async function discoverComposer(settings: ComposerDiscoverySettings, signal: AbortSignal): Promise<DiscoveredComposerEnvironment[]> {
  const tokens = (settings.tokenSources ?? sharedGoogleTokenSources).get({
    credentialsFile: settings.credentialsFile,
    authClientOptions: settings.authClientOptions,
  });
  const ctx = {
    apiEndpoint: settings.apiEndpoint ?? DEFAULT_COMPOSER_ENDPOINT,
    tokens,
    limits: settings.limits ?? { timeoutMs: 10_000, maxBytes: DEFAULT_MAX_BYTES },
    fetch: settings.fetch,
  };
  const found: DiscoveredComposerEnvironment[] = [];
  for (const location of settings.locations) {
    const envs = await listComposerEnvironments(ctx, { project: settings.project, location }, signal, { pageSize: settings.pageSize });
    for (const e of envs) {
      found.push({ project: e.project || settings.project, location: e.location || location, environment: e.environment });
    }
  }
  return found;
}
