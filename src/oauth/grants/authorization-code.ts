// grant_type=authorization_code (RFC 6749 §4.1.3-4.1.4, OIDC Core §3.1.3, RFC 7636 §4.6).
// The code is consumed in ONE atomic store call before anything else; a replay revokes the
// grant and every token issued from it (RFC 6749 §4.1.2, RFC 9700 §4.2.4).
import { OAuthError } from '../errors.js';
import { digestOf } from '../opaque-token.js';
import { verifyCodeVerifier } from '../pkce.js';
import { mintTokens, type TokenResponse } from '../issue-tokens.js';
import type { ClientRecord } from '../../storage/records.js';
import type { GrantDeps } from './index.js';

export const grantType = 'authorization_code';

export async function handle(params: Record<string, string>, client: ClientRecord, deps: GrantDeps): Promise<TokenResponse> {
  const { storage, clock, logger } = deps;
  if (!params.code) throw new OAuthError('invalid_request', 'code is missing');
  if (!params.redirect_uri) throw new OAuthError('invalid_request', 'redirect_uri is missing');

  const now = clock();
  const result = await storage.authorizationCodes.consume(digestOf(params.code), now);
  if (!result) throw new OAuthError('invalid_grant', 'the authorization code is invalid');
  const { code } = result;
  if (!result.firstUse) {
    await storage.grants.revoke(code.grantId, now);
    logger.warn({ grantId: code.grantId, clientId: client.clientId }, 'authorization code replayed: grant revoked');
    throw new OAuthError('invalid_grant', 'the authorization code was already used');
  }
  if (code.expiresAt <= now) throw new OAuthError('invalid_grant', 'the authorization code has expired');
  if (code.clientId !== client.clientId) throw new OAuthError('invalid_grant', 'the authorization code was issued to another client');
  if (code.redirectUri !== params.redirect_uri) throw new OAuthError('invalid_grant', 'redirect_uri does not match the authorization request');
  verifyCodeVerifier(params.code_verifier, code.codeChallenge);

  // A revocation before the consume above already made this a replay (revoking a grant marks
  // its codes consumed). One landing since comes from a concurrent replay of this very code and
  // must not deny its one first use; the tokens minted below join the revoked grant, inactive.
  const grant = await storage.grants.find(code.grantId);
  if (!grant) throw new OAuthError('invalid_grant', 'the authorization has been revoked');

  const minted = await mintTokens({
    grantId: code.grantId,
    client,
    accountId: code.accountId,
    scopes: code.scopes,
    authTime: code.authTime,
    nonce: code.nonce,
    refreshToken: client.grantTypes.includes('refresh_token') && code.scopes.includes('offline_access'),
    idToken: code.scopes.includes('openid'),
    now,
  }, { policy: deps.policy, keys: deps.keys, accounts: storage.accounts });
  await storage.tokens.insert(minted.records);
  return minted.response;
}
