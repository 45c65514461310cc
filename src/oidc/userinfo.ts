// UserInfo (OIDC Core §5.3): the claims the access token's scopes allow.
import type { Storage } from '../storage/ports.js';
import { OAuthError } from '../oauth/errors.js';
import { validateAccessToken } from '../oauth/bearer-token.js';
import { claimsForScopes } from './claims.js';

export async function userInfo(accessToken: string, { storage, now }: { storage: Storage; now: number }): Promise<Record<string, unknown>> {
  const token = await validateAccessToken(accessToken, storage, now);
  if (!token.scopes.includes('openid') || token.accountId === null) {
    throw new OAuthError('insufficient_scope', 'the access token was not issued for OpenID Connect');
  }
  const account = await storage.accounts.findById(token.accountId);
  if (!account) throw new OAuthError('invalid_token', 'the access token is invalid or has expired');
  return claimsForScopes(account, token.scopes);
}
