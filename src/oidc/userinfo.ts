// UserInfo (OIDC Core §5.3): the claims the access token's scopes allow, and those its
// authorization asked of UserInfo by name (§5.5).
import type { Storage } from '../storage/ports.js';
import { OAuthError } from '../oauth/errors.js';
import { authenticateAccessToken } from '../oauth/bearer-token.js';
import type { OAuthRequest } from '../oauth/request.js';
import { releasedClaims } from './claims.js';
import { storedClaimsRequest } from './claims-request.js';

export interface UserInfoResult {
  claims: Record<string, unknown>;
  /** The client the access token was issued to (whose browser origins may read the answer). */
  clientId: string;
}

export async function userInfo(request: OAuthRequest, { storage, now }: { storage: Storage; now: number }): Promise<UserInfoResult> {
  const token = await authenticateAccessToken(request, storage, now);
  if (!token.scopes.includes('openid') || token.accountId === null) {
    throw new OAuthError('insufficient_scope', 'the access token was not issued for OpenID Connect');
  }
  const account = await storage.accounts.findById(token.accountId);
  if (!account) throw new OAuthError('invalid_token', 'the access token is invalid or has expired');
  return { claims: releasedClaims(account, token.scopes, storedClaimsRequest(token.claims), 'userinfo'), clientId: token.clientId };
}
