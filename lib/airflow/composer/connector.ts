import { createAirflowRestClient } from "../client";
import { createAirflowWriteClient } from "../writes";
import type { CallLimits } from "../transport";
import type { ApiVersion, Connector, PlatformInfo } from "../types";
import { DEFAULT_COMPOSER_ENDPOINT, getComposerEnvironment, type ComposerApiContext, type ComposerEnvironment } from "./api";
import { sharedGoogleTokenSources, type GoogleAuthClientOptions, type GoogleTokenSources } from "./google-auth";
import { createComposerTransport, usesIap, type ComposerAccess } from "./transport";
import { AirflowError } from "../errors";

/** Settings of one Cloud Composer environment (contract §2 `composer:` plus runtime wiring). */
export interface ComposerConnectorSettings {
  project: string;
  location: string;
  environment: string;
  /** A service-account key file; absent → Application Default Credentials. */
  credentialsFile?: string;
  /**
   * IAP OAuth client id of a Composer 1 web server. When set, OIDC ID tokens with this audience are
   * sent whatever the generation; when absent on Composer 1 it is read from IAP's sign-in redirect.
   */
  iapClientId?: string;
  /** Composer API base, default `https://composer.googleapis.com` (private endpoints, simulator). */
  apiEndpoint?: string;
  limits: CallLimits;
  /** Overrides the Airflow UI base reported by `uiUrl()` (contract `uiUrl`). */
  uiUrl?: string;
  /** google-auth-library client options: the token-endpoint transporter and refresh margin. */
  authClientOptions?: GoogleAuthClientOptions;
  /** Replaces the global fetch for the Composer API and the web server (not for token calls). */
  fetch?: typeof fetch;
  /** Token-source registry; default the process-wide one, so environments share credentials. */
  tokenSources?: GoogleTokenSources;
}

/** The Airflow API version a Composer image speaks: Airflow 3 → `/api/v2`, else `/api/v1`. */
export function apiVersionFor(env: Pick<ComposerEnvironment, "image">): ApiVersion {
  return (env.image.airflowMajor ?? 2) >= 3 ? "v2" : "v1";
}

export function createComposerConnector(settings: ComposerConnectorSettings): Connector {
  const tokens = (settings.tokenSources ?? sharedGoogleTokenSources).get({
    credentialsFile: settings.credentialsFile,
    authClientOptions: settings.authClientOptions,
  });
  const api: ComposerApiContext = {
    apiEndpoint: settings.apiEndpoint ?? DEFAULT_COMPOSER_ENDPOINT,
    tokens,
    limits: settings.limits,
    fetch: settings.fetch,
  };
  const id = { project: settings.project, location: settings.location, environment: settings.environment };

  let env: ComposerEnvironment | null = null;
  let inflight: Promise<ComposerEnvironment> | null = null;
  let answered = false;

  const refresh = (signal: AbortSignal): Promise<ComposerEnvironment> => {
    if (!inflight) {
      inflight = getComposerEnvironment(api, id, signal)
        .then((e) => {
          env = e;
          return e;
        })
        .finally(() => {
          inflight = null;
        });
    }
    return inflight;
  };

  const access = async (signal: AbortSignal): Promise<ComposerAccess> => {
    const e = env ?? (await refresh(signal));
    if (!e.airflowUri) {
      throw new AirflowError({
        kind: "platform",
        message: `Composer environment ${settings.environment} has no Airflow web server yet (state ${e.state})`,
      });
    }
    return { airflowUri: e.airflowUri, composerGeneration: e.image.composerGeneration };
  };

  const transport = createComposerTransport({
    access,
    tokens,
    iapClientId: settings.iapClientId,
    project: settings.project,
    environment: settings.environment,
    limits: settings.limits,
    fetch: settings.fetch,
  });
  const client = createAirflowRestClient(transport);
  const writes = createAirflowWriteClient(transport);

  /** The version for the next call: from the image, learned on the way if not known yet. */
  const version = async (signal: AbortSignal): Promise<ApiVersion> => apiVersionFor(env ?? (await refresh(signal)));

  const track = async <T>(p: Promise<T>): Promise<T> => {
    const v = await p;
    answered = true;
    return v;
  };

  return {
    kind: "composer",

    async getPlatform(signal): Promise<PlatformInfo> {
      const e = await refresh(signal);
      const generation = e.image.composerGeneration;
      const auth = e.airflowUri ? (usesIap({ airflowUri: e.airflowUri, composerGeneration: generation }, settings.iapClientId) ? "IAP" : null) : null;
      const parts = [generation ? `Composer ${generation}` : null, e.imageVersion, auth ? "behind IAP" : null].filter(Boolean);
      return {
        state: e.state,
        uiUrl: e.airflowUri,
        airflowVersion: e.image.airflowVersion,
        detail: parts.length ? parts.join(", ") : null,
      };
    },
    async getHealth(signal) {
      return track(client.getHealth(await version(signal), signal));
    },
    async getVersion(signal) {
      return track(client.getVersion(await version(signal), signal));
    },
    apiVersion() {
      return answered && env ? apiVersionFor(env) : null;
    },
    uiUrl() {
      return (settings.uiUrl ?? env?.airflowUri ?? null)?.replace(/\/+$/, "") ?? null;
    },
    async listDags(page, signal) {
      return track(client.listDags(await version(signal), page, signal));
    },
    async listRuns(query, signal) {
      return track(client.listRuns(await version(signal), query, signal));
    },
    async listImportErrors(page, signal) {
      return track(client.listImportErrors(await version(signal), page, signal));
    },
    async listDagRuns(dagId, limit, signal) {
      return track(client.listDagRuns(await version(signal), dagId, limit, signal));
    },
    async triggerRun(dagId, input, signal) {
      return writes.triggerRun(await version(signal), dagId, input, signal);
    },
    async clearFailed(dagId, runId, signal) {
      return writes.clearFailed(await version(signal), dagId, runId, signal);
    },
    async setPaused(dagId, paused, signal) {
      return writes.setPaused(await version(signal), dagId, paused, signal);
    },
  };
}
