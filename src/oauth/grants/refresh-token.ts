// grant_type=refresh_token (RFC 6749 §6) with rotation: each use returns a new refresh token and
// retires the old one in one atomic store call; presenting a retired one revokes the whole
// family (RFC 9700 §4.14.2, OAuth 2.1 §4.3.1).
import { OAuthError } from '../errors.js';
import { digestOf } from '../opaque-token.js';
import { parseScope, requireAllowedScopes } from '../scope.js';
import { mintTokens, type TokenResponse } from '../issue-tokens.js';
import type { AuthenticatedRequest } from '../request.js';
import { scopesForResource, tokenResource } from '../resource-indicator.js';
import type { GrantDeps } from './index.js';
import { checkRefreshTokenKey } from '../dpop-binding.js';

export const grantType = 'refresh_token';

export async function handle(request: AuthenticatedRequest, deps: GrantDeps): Promise<TokenResponse> {
  const { params, client } = request;
  const { storage, clock } = deps;
  if (!params.refresh_token) throw new OAuthError('invalid_request', 'refresh_token is missing');
  const digest = digestOf(params.refresh_token);
  const now = clock();

  // Read first only to check ownership: another client's token must not be rotated away.
  const current = await storage.tokens.find(digest);
  if (!current || current.kind !== 'refresh_token') throw new OAuthError('invalid_grant', 'the refresh token is invalid');
  if (current.clientId !== client.clientId) throw new OAuthError('invalid_grant', 'the refresh token was issued to another client');
  if (current.revokedAt !== null || current.expiresAt <= now) throw new OAuthError('invalid_grant', 'the refresh token is no longer valid');
  if (current.rotatedAt !== null) await rejectReuse(current.grantId, client.clientId, deps, now);
  // RFC 9449 §5: a bound refresh token (a public client's) is used only by its key.
  checkRefreshTokenKey(current, request.dpopJkt ?? null);

  // RFC 6749 §6: a narrower scope may be requested, never a wider one. It narrows the access
  // token (and ID token) only: the new refresh token keeps the original grant's scope, so the
  // client can ask for the rest again later and offline_access is not lost along the way.
  const requested = parseScope(params.scope);
  const scopes = requested.length > 0 ? requireAllowedScopes(requested, current.scopes) : current.scopes;
  // RFC 8707 §2.2: any one resource of the grant (the refresh token carries them), never another.
  const resource = await tokenResource(params.resource, current.resources ?? [], client, storage.resources);

  const minted = await mintTokens({
    grantId: current.grantId,
    client,
    accountId: current.accountId,
    scopes,
    refreshTokenScopes: current.scopes,
    authTime: current.authTime,
    // OIDC Core §12.2: a refreshed ID token carries no nonce.
    nonce: null,
    // Back-Channel Logout 1.0 §2.1: the refreshed ID token names the same session.
    sid: current.sid,
    claims: current.claims ?? null,
    resource,
    accessTokenScopes: resource ? scopesForResource(scopes, resource) : undefined,
    grantResources: current.resources ?? [],
    dpopJkt: request.dpopJkt ?? null,
    // The new refresh token keeps the old one's binding.
    refreshDpopJkt: current.dpopJkt ?? null,
    refreshToken: true,
    idToken: scopes.includes('openid'),
    now,
  }, deps);
  for (const record of minted.records) if (record.kind === 'refresh_token') record.nonce = current.nonce;

  const rotation = await storage.tokens.rotateRefreshToken(digest, now, minted.records);
  if (rotation.outcome === 'not_found') throw new OAuthError('invalid_grant', 'the refresh token is invalid');
  if (rotation.outcome === 'reused') await rejectReuse(rotation.previous.grantId, client.clientId, deps, now);
  if (rotation.previous.revokedAt !== null || rotation.previous.expiresAt <= now) {
    throw new OAuthError('invalid_grant', 'the refresh token is no longer valid');
  }
  return minted.response;
}

async function rejectReuse(grantId: string, clientId: string, deps: GrantDeps, now: number): Promise<never> {
  await deps.storage.grants.revoke(grantId, now);
  deps.logger.warn({ grantId, clientId }, 'refresh token reused: grant revoked');
  throw new OAuthError('invalid_grant', 'the refresh token was already used');
}
