import { MWAAClient } from "@aws-sdk/client-mwaa";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import { singleFlight } from "../single-flight";

/**
 * AWS plumbing shared by every MWAA environment: credential providers and MWAA clients are cached
 * per (region, profile, roleArn, endpoint), so fifty environments in one account make one
 * AssumeRole and reuse one connection pool instead of fifty.
 */

/** Where and as whom to call AWS. */
export interface AwsTarget {
  region: string;
  /** Named profile of the shared config files; default: the SDK's default chain. */
  profile?: string;
  /** Role to assume (with the profile's or the default chain's credentials) before calling MWAA. */
  roleArn?: string;
  /** MWAA control-plane endpoint override (already resolved by the config layer). */
  endpoint?: string;
  /** STS endpoint for `roleArn`; default: `endpoint` when set (a local stack serves both), else AWS's. */
  stsEndpoint?: string;
}

/** Renew assumed-role credentials this long before they expire. */
const RENEW_BEFORE_MS = 5 * 60_000;
const ASSUME_ROLE_SECONDS = 3600;

const providers = new Map<string, AwsCredentialIdentityProvider>();
const clients = new Map<string, MWAAClient>();

function stsEndpointOf(t: AwsTarget): string | undefined {
  return t.stsEndpoint ?? t.endpoint;
}

/** A provider that assumes `roleArn` with `base` credentials, caches the session and renews it before expiry. */
function assumeRoleProvider(roleArn: string, region: string, base: AwsCredentialIdentityProvider, endpoint: string | undefined): AwsCredentialIdentityProvider {
  const sts = new STSClient({ region, credentials: base, ...(endpoint ? { endpoint } : {}) });
  let cached: AwsCredentialIdentity | null = null;
  // The SDK's own timeouts bound AssumeRole; a provider call has no signal of its own to race.
  const assume = singleFlight(async () => {
    try {
      const out = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "flightboard", DurationSeconds: ASSUME_ROLE_SECONDS }));
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey) throw Object.assign(new Error(`AssumeRole of ${roleArn} returned no credentials`), { name: "CredentialsProviderError" });
      cached = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
      return cached;
    } catch (e) {
      // Keep the role in the error so the operator sees which assumption failed.
      if (e && typeof e === "object") (e as { assumingRole?: string }).assumingRole = roleArn;
      throw e;
    }
  });
  const never = new AbortController().signal;
  return () => {
    const exp = cached?.expiration?.getTime();
    if (cached && (exp === undefined || exp - Date.now() > RENEW_BEFORE_MS)) return Promise.resolve(cached);
    return assume(never);
  };
}

/** The shared credential provider for a target (default chain, profile, optional assumed role). */
export function credentialsFor(t: AwsTarget): AwsCredentialIdentityProvider {
  const key = JSON.stringify([t.profile ?? null, t.roleArn ?? null, t.roleArn ? stsEndpointOf(t) ?? null : null]);
  let p = providers.get(key);
  if (!p) {
    // The default chain reads env vars, shared config/profiles, SSO, web identity, container and
    // instance metadata; with a profile it skips env-var credentials, as the AWS CLI does.
    const base = defaultProvider(t.profile ? { profile: t.profile } : {});
    p = t.roleArn ? assumeRoleProvider(t.roleArn, t.region, base, stsEndpointOf(t)) : base;
    providers.set(key, p);
  }
  return p;
}

/** The shared MWAA client for a target. Host prefixes (`api.`, `env.`) are disabled with an endpoint override. */
export function mwaaClientFor(t: AwsTarget): MWAAClient {
  const key = JSON.stringify([t.region, t.profile ?? null, t.roleArn ?? null, t.endpoint ?? null, t.stsEndpoint ?? null]);
  let c = clients.get(key);
  if (!c) {
    c = new MWAAClient({
      region: t.region,
      credentials: credentialsFor(t),
      // A monitor polls again soon: one retry (throttling, 5xx, resets) keeps a call well inside its
      // timeout, where the SDK's default of three attempts with backoff could outlast it.
      maxAttempts: 2,
      ...(t.endpoint ? { endpoint: t.endpoint, disableHostPrefix: true } : {}),
    });
    clients.set(key, c);
  }
  return c;
}

/** DNS suffix of a region's partition (China regions live under `amazonaws.com.cn`). */
function dnsSuffix(region: string): string {
  return region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
}

/**
 * Base URL of the control plane for an operation with host prefix `env.` (CreateWebLoginToken,
 * InvokeRestApi): `https://env.airflow.{region}.{suffix}`, or the override as is.
 */
export function envPlaneUrl(t: AwsTarget): string {
  if (t.endpoint) return t.endpoint.replace(/\/+$/, "");
  return `https://env.airflow.${t.region}.${dnsSuffix(t.region)}`;
}

/** The account id in an ARN (`arn:aws:airflow:{region}:{account}:environment/x`, `arn:aws:iam::{account}:role/x`). */
export function accountOfArn(arn: string | undefined): string | null {
  const parts = arn?.split(":");
  return parts && parts.length >= 6 && /^\d{12}$/.test(parts[4]!) ? parts[4]! : null;
}
