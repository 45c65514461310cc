// UserInfo (OIDC Core §5.3): the claims the access token's scopes allow.
import type { Storage } from '../storage/ports.js';
import { OAuthError } from '../oauth/errors.js';
import { authenticateAccessToken } from '../oauth/bearer-token.js';
import type { OAuthRequest } from '../oauth/request.js';
import { claimsForScopes } from './claims.js';

export async function userInfo(request: OAuthRequest, { storage, now }: { storage: Storage; now: number }): Promise<Record<string, unknown>> {
  const token = await authenticateAccessToken(request, storage, now);
  if (!token.scopes.includes('openid') || token.accountId === null) {
    throw new OAuthError('insufficient_scope', 'the access token was not issued for OpenID Connect');
  }
  const account = await storage.accounts.findById(token.accountId);
  if (!account) throw new OAuthError('invalid_token', 'the access token is invalid or has expired');
  return claimsForScopes(account, token.scopes);
}
