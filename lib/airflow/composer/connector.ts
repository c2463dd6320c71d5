import { createConnector } from "../connector-kit";
import { AirflowError } from "../errors";
import { singleFlight } from "../single-flight";
import type { CallLimits } from "../transport";
import type { ApiVersion, Connector, PlatformClass, PlatformInfo } from "../types";
import { DEFAULT_COMPOSER_ENDPOINT, getComposerEnvironment, type ComposerApiContext, type ComposerEnvironment } from "./api";
import { sharedGoogleTokenSources, type GoogleAuthClientOptions, type GoogleTokenSources } from "./google-auth";
import { createComposerTransport, usesIap, type ComposerAccess } from "./transport";

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
function apiVersionFor(env: Pick<ComposerEnvironment, "image">): ApiVersion {
  return (env.image.airflowMajor ?? 2) >= 3 ? "v2" : "v1";
}

const BROKEN = new Set(["ERROR", "DELETING"]);
const TRANSITION = new Set(["CREATING", "UPDATING"]);

/** Composer `state`: ERROR and DELETING are broken, CREATING and UPDATING transitions (contract §3). */
function classOf(state: string): PlatformClass {
  return BROKEN.has(state) ? "broken" : TRANSITION.has(state) ? "transition" : "ok";
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
  // The lookup is bounded by the API call's own timeout (limits), not by whichever caller started it.
  const refresh = singleFlight(async (shared): Promise<ComposerEnvironment> => {
    env = await getComposerEnvironment(api, id, shared);
    return env;
  });

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

  return createConnector({
    kind: "composer",
    where: `Composer environment ${settings.environment}`,
    // From the image, learned on the way if not known yet.
    resolveVersion: async (signal) => apiVersionFor(env ?? (await refresh(signal))),
    transportFor: () => transport,
    async getPlatform(signal): Promise<PlatformInfo> {
      const e = await refresh(signal);
      const generation = e.image.composerGeneration;
      const auth = e.airflowUri ? (usesIap({ airflowUri: e.airflowUri, composerGeneration: generation }, settings.iapClientId) ? "IAP" : null) : null;
      const parts = [generation ? `Composer ${generation}` : null, e.imageVersion, auth ? "behind IAP" : null].filter(Boolean);
      return {
        state: e.state,
        class: classOf(e.state),
        label: "Composer environment",
        uiUrl: e.airflowUri,
        airflowVersion: e.image.airflowVersion,
        detail: parts.length ? parts.join(", ") : null,
      };
    },
    uiUrl: () => (settings.uiUrl ?? env?.airflowUri ?? null)?.replace(/\/+$/, "") ?? null,
  });
}
