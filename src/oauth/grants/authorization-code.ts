// grant_type=authorization_code (RFC 6749 §4.1.3-4.1.4, OIDC Core §3.1.3, RFC 7636 §4.6).
// The code is checked, the tokens minted, then ONE atomic store call consumes the code and
// stores grant and tokens together; a replay revokes the grant and every token issued from it
// (RFC 6749 §4.1.2, RFC 9700 §4.2.4).
import { OAuthError } from '../errors.js';
import { digestOf } from '../opaque-token.js';
import { verifyCodeVerifier } from '../pkce.js';
import { mintTokens, type TokenResponse } from '../issue-tokens.js';
import type { AuthenticatedRequest } from '../request.js';
import { survivesLogout } from '../lifecycle.js';
import { scopesForResource, tokenResource } from '../resource-indicator.js';
import type { ResourceRecord } from '../../storage/records.js';
import type { GrantDeps } from './index.js';
import { checkCodeKey, refreshTokenKey } from '../dpop-binding.js';

export const grantType = 'authorization_code';

export async function handle(request: AuthenticatedRequest, deps: GrantDeps): Promise<TokenResponse> {
  const { params, client } = request;
  const { storage, clock } = deps;
  if (!params.code) throw new OAuthError('invalid_request', 'code is missing');
  if (!params.redirect_uri) throw new OAuthError('invalid_request', 'redirect_uri is missing');

  const now = clock();
  const digest = digestOf(params.code);
  const code = await storage.authorizationCodes.find(digest);
  if (!code) throw new OAuthError('invalid_grant', 'the authorization code is invalid');
  if (code.consumedAt !== null) await rejectReplay(code.grantId, client.clientId, deps, now);
  let resource: ResourceRecord | null;
  let accessTokenScopes: string[] | undefined;
  try {
    if (code.expiresAt <= now) throw new OAuthError('invalid_grant', 'the authorization code has expired');
    if (code.clientId !== client.clientId) throw new OAuthError('invalid_grant', 'the authorization code was issued to another client');
    if (code.redirectUri !== params.redirect_uri) throw new OAuthError('invalid_grant', 'redirect_uri does not match the authorization request');
    verifyCodeVerifier(params.code_verifier, code.codeChallenge);
    checkCodeKey(code, request.dpopJkt ?? null);
    // OIDC Core §11: a logout revokes what its session issued without offline_access; a code
    // issued in it but not yet redeemed has no grant to revoke yet, so it is refused here.
    if (code.sid !== null && !survivesLogout(code) && !(await storage.sessions.findBySid(code.sid, now))) {
      throw new OAuthError('invalid_grant', 'the sign-in session this code was issued in has ended');
    }
    // RFC 8707 §2.2: the access token is for one of the resources the authorization named.
    resource = await tokenResource(params.resource, code.resources ?? [], client, storage.resources);
    accessTokenScopes = resource ? scopesForResource(code.scopes, resource) : undefined;
  } catch (error) {
    // A code presented wrongly is spent: it must not stay usable for a second guess.
    await storage.authorizationCodes.consume(digest, now);
    throw error;
  }

  const minted = await mintTokens({
    grantId: code.grantId,
    client,
    accountId: code.accountId,
    scopes: code.scopes,
    authTime: code.authTime,
    nonce: code.nonce,
    sid: code.sid,
    claims: code.claims ?? null,
    resource,
    accessTokenScopes,
    grantResources: code.resources ?? [],
    dpopJkt: request.dpopJkt ?? null,
    refreshDpopJkt: refreshTokenKey(client, request.dpopJkt ?? null),
    refreshToken: client.grantTypes.includes('refresh_token') && code.scopes.includes('offline_access'),
    idToken: code.scopes.includes('openid'),
    now,
  }, deps);

  // The one atomic write: consume the code and store the grant and tokens, or nothing. A
  // concurrent redemption that lost the race is a replay like any other.
  const grant = { grantId: code.grantId, accountId: code.accountId, clientId: client.clientId, scopes: code.scopes, sid: code.sid, createdAt: now, revokedAt: null };
  const result = await storage.authorizationCodes.redeem(digest, now, grant, minted.records);
  if (!result) throw new OAuthError('invalid_grant', 'the authorization code is invalid');
  if (!result.firstUse) await rejectReplay(code.grantId, client.clientId, deps, now);
  return minted.response;
}

async function rejectReplay(grantId: string, clientId: string, deps: GrantDeps, now: number): Promise<never> {
  await deps.storage.grants.revoke(grantId, now);
  deps.logger.warn({ grantId, clientId }, 'authorization code replayed: grant revoked');
  throw new OAuthError('invalid_grant', 'the authorization code was already used');
}
