// The test identity providers (oidc-provider) of the replicas' sign-in test and the e2e auth harness.
import type { KoaContextWithOIDC } from "oidc-provider";

/**
 * `loadExistingGrant` of a first-party app: no consent screen, as most company identity providers
 * are set up. The grant covers `scope`.
 */
export function firstPartyGrant(scope: string) {
  return async (ctx: KoaContextWithOIDC) => {
    const id = ctx.oidc.result?.consent?.grantId || ctx.oidc.session!.grantIdFor(ctx.oidc.client!.clientId);
    if (id) return ctx.oidc.provider.Grant.find(id);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId });
    grant.addOIDCScope(scope);
    await grant.save();
    return grant;
  };
}
