// grant_type=client_credentials (RFC 6749 §4.4): confidential clients only, access token only.
import { DuplicateError } from '../../storage/ports.js';
import { OAuthError } from '../errors.js';
import { defaultScope, identityScopes, parseScope, requireAllowedScopes } from '../scope.js';
import { mintTokens, type TokenResponse } from '../issue-tokens.js';
import type { AuthenticatedRequest } from '../request.js';
import { scopesForResource, tokenResource } from '../resource-indicator.js';
import type { GrantDeps } from './index.js';

export const grantType = 'client_credentials';

export async function handle(request: AuthenticatedRequest, deps: GrantDeps): Promise<TokenResponse> {
  const { params, client } = request;
  if (request.clientAuthMethod === 'none') throw new OAuthError('unauthorized_client', 'public clients may not use client_credentials');
  // User-bound scopes mean nothing without a user.
  const allowed = client.scopes.filter((s) => !identityScopes.has(s));
  const requested = parseScope(params.scope);
  // RFC 6749 §3.3: without scope, the client's default scope (oauth/scope.ts).
  const scopes = requested.length > 0
    ? requireAllowedScopes(requested, allowed)
    : defaultScope(client).filter((s) => !identityScopes.has(s));
  // RFC 8707 §2.2: any registered resource (no grant narrows it), else the client's default resource.
  const resource = await tokenResource(params.resource, null, client, deps.storage.resources);
  const accessTokenScopes = resource ? scopesForResource(scopes, resource) : undefined;
  const now = deps.clock();
  // One standing grant per client: a grant row per token would grow without bound, and these
  // tokens have no family to revoke together (no refresh token, no code).
  const grantId = `cc:${client.clientId}`;
  if (!(await deps.storage.grants.find(grantId))) {
    try {
      await deps.storage.grants.insert({ grantId, accountId: null, clientId: client.clientId, scopes: allowed, sid: null, createdAt: now, revokedAt: null });
    } catch (error) {
      if (!(error instanceof DuplicateError)) throw error;
    }
  }
  const minted = await mintTokens({
    grantId, client, accountId: null, scopes, authTime: null, nonce: null, sid: null, refreshToken: false, idToken: false, now,
    resource, accessTokenScopes, dpopJkt: request.dpopJkt ?? null,
  }, deps);
  await deps.storage.tokens.insert(minted.records);
  return minted.response;
}
