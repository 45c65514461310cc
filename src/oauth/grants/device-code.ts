// grant_type=urn:ietf:params:oauth:grant-type:device_code (RFC 8628 §3.4-3.5): the device polls
// with its device code until the user has answered on the verification page. Each poll is one
// atomic store call that also paces it (slow_down adds 5 s, §3.5); the approved record is
// redeemed by ONE atomic write with the grant and tokens, and a second redemption (a replay of
// the code) revokes what the first issued, as for authorization codes (RFC 9700 §4.2.4).
import { OAuthError } from '../errors.js';
import { mintTokens, type TokenResponse } from '../issue-tokens.js';
import type { AuthenticatedRequest } from '../request.js';
import { scopesForResource, tokenResource } from '../resource-indicator.js';
import { refreshTokenKey } from '../dpop-binding.js';
import { deviceCodeDigest, deviceCodeGrantType } from '../device-authorization.js';
import type { GrantDeps } from './index.js';

export const grantType = deviceCodeGrantType;

/** §3.5: these answers are the token endpoint's usual 400s, access_denied included. */
const pollError = (code: 'authorization_pending' | 'slow_down' | 'expired_token' | 'access_denied' | 'invalid_grant', description: string) =>
  new OAuthError(code, description, { status: 400 });

export async function handle(request: AuthenticatedRequest, deps: GrantDeps): Promise<TokenResponse> {
  const { params, client } = request;
  const { storage } = deps;
  if (!params.device_code) throw new OAuthError('invalid_request', 'device_code is missing');
  const now = deps.clock();
  const digest = deviceCodeDigest(params.device_code);
  const poll = await storage.deviceAuthorizations.poll(digest, client.clientId, now);
  // Unknown, or issued to another client: nothing to tell apart.
  if (!poll) throw pollError('invalid_grant', 'the device code is invalid');
  const { record, tooSoon } = poll;
  if (record.status === 'redeemed') await rejectReplay(record.grantId, client.clientId, deps, now);
  if (record.expiresAt <= now) throw pollError('expired_token', 'the device code has expired: start again');
  if (record.status === 'denied') throw pollError('access_denied', 'the user denied the request');
  if (record.status === 'pending') {
    if (tooSoon) throw pollError('slow_down', `polling too fast: wait at least ${record.interval} seconds between requests`);
    throw pollError('authorization_pending', 'the user has not answered yet');
  }

  // Approved. The account may have been deleted since (oauth/lifecycle.ts): nobody to issue for.
  const accountId = record.accountId!;
  if (!(await storage.accounts.findById(accountId))) throw pollError('invalid_grant', 'the account that approved this device no longer exists');
  const resource = await tokenResource(params.resource, record.resources, client, storage.resources);
  const minted = await mintTokens({
    grantId: record.grantId,
    client,
    accountId,
    scopes: record.scopes,
    authTime: record.authTime,
    nonce: null,
    // The approving browser's session is not the device's: signing out there leaves the device signed in.
    sid: null,
    claims: null,
    resource,
    accessTokenScopes: resource ? scopesForResource(record.scopes, resource) : undefined,
    grantResources: record.resources,
    dpopJkt: request.dpopJkt ?? null,
    refreshDpopJkt: refreshTokenKey(client, request.dpopJkt ?? null),
    refreshToken: client.grantTypes.includes('refresh_token') && record.scopes.includes('offline_access'),
    idToken: record.scopes.includes('openid'),
    now,
  }, deps);
  const grant = { grantId: record.grantId, accountId, clientId: client.clientId, scopes: record.scopes, sid: null, createdAt: now, revokedAt: null };
  if (!(await storage.deviceAuthorizations.redeem(digest, now, grant, minted.records))) {
    // Another poll redeemed it between our read and our write.
    await rejectReplay(record.grantId, client.clientId, deps, now);
  }
  deps.logger.info({ clientId: client.clientId, grantId: record.grantId }, 'device authorization redeemed');
  return minted.response;
}

async function rejectReplay(grantId: string, clientId: string, deps: GrantDeps, now: number): Promise<never> {
  await deps.storage.grants.revoke(grantId, now);
  deps.logger.warn({ grantId, clientId }, 'device code replayed: grant revoked');
  throw pollError('invalid_grant', 'the device code was already used');
}
