// Mints the token response (RFC 6749 §5.1, OIDC Core §3.1.3.3): access token (opaque or RFC 9068
// JWT), refresh token when allowed, ID token when openid was granted. Callers persist `records`:
// with tokens.insert, or inside tokens.rotateRefreshToken so a rotation is one atomic step.
import { randomToken } from '../lib/random.js';
import type { SigningKeySet } from '../keys/signing-keys.js';
import type { AccountStore } from '../storage/ports.js';
import type { ClientRecord, TokenRecord } from '../storage/records.js';
import { signIdToken } from '../oidc/id-token.js';
import { idTokenClaims } from '../oidc/claims.js';
import { digestOf, newOpaqueValue, tokenPrefix } from './opaque-token.js';
import { formatScope } from './scope.js';

export interface TokenPolicy {
  issuer: string;
  accessTokenTtl: number;
  refreshTokenTtl: number;
  idTokenTtl: number;
  accessTokenFormat: 'opaque' | 'jwt';
}

export interface TokenIssuanceDeps {
  policy: TokenPolicy;
  keys: SigningKeySet;
  accounts: AccountStore;
}

export interface TokenGrantInput {
  grantId: string;
  client: ClientRecord;
  accountId: string | null;
  /** The access token's (and ID token's) scope: on a refresh, possibly a subset of the grant's. */
  scopes: string[];
  /**
   * The refresh token's scope when it differs from `scopes`: a refresh keeps the original grant's
   * scope however narrow the access token it was asked for (RFC 6749 §6).
   */
  refreshTokenScopes?: string[];
  authTime: number | null;
  nonce: string | null;
  refreshToken: boolean;
  idToken: boolean;
  now: number;
  /** Overrides the access token life (the implicit flow's short tokens). */
  accessTokenTtl?: number;
}

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  refresh_token?: string;
  id_token?: string;
}

export interface MintedTokens {
  response: TokenResponse;
  records: TokenRecord[];
}

export async function mintTokens(input: TokenGrantInput, deps: TokenIssuanceDeps): Promise<MintedTokens> {
  const { policy } = deps;
  const { client, now } = input;
  const accessTtl = input.accessTokenTtl ?? policy.accessTokenTtl;
  const accessToken = policy.accessTokenFormat === 'jwt'
    ? await signAccessTokenJwt(input, accessTtl, deps)
    : newOpaqueValue(tokenPrefix.accessToken).value;
  const base = {
    grantId: input.grantId, clientId: client.clientId, accountId: input.accountId, scopes: input.scopes,
    authTime: input.authTime, createdAt: now, revokedAt: null, rotatedAt: null,
  };
  const records: TokenRecord[] = [
    { ...base, tokenDigest: digestOf(accessToken), kind: 'access_token', nonce: null, expiresAt: now + accessTtl },
  ];
  const response: TokenResponse = {
    access_token: accessToken, token_type: 'Bearer', expires_in: accessTtl, scope: formatScope(input.scopes),
  };
  if (input.refreshToken) {
    const refresh = newOpaqueValue(tokenPrefix.refreshToken);
    records.push({
      ...base, scopes: input.refreshTokenScopes ?? input.scopes, tokenDigest: refresh.digest, kind: 'refresh_token', nonce: input.nonce,
      expiresAt: now + policy.refreshTokenTtl,
    });
    response.refresh_token = refresh.value;
  }
  if (input.idToken && input.accountId !== null) {
    const claims = await idTokenClaims(deps.accounts, input.accountId, input.scopes);
    response.id_token = await signIdToken({
      issuer: policy.issuer, clientId: client.clientId, accountId: input.accountId, authTime: input.authTime,
      nonce: input.nonce, accessToken, claims: { ...claims, amr: ['pwd'] }, now, ttl: policy.idTokenTtl,
    }, deps.keys);
  }
  return { response, records };
}

/** RFC 9068 JWT access token; still stored by digest so it can be revoked and introspected. */
async function signAccessTokenJwt(input: TokenGrantInput, ttl: number, deps: TokenIssuanceDeps): Promise<string> {
  const signer = await deps.keys.signingKey();
  const claims: Record<string, unknown> = {
    iss: deps.policy.issuer, sub: input.accountId ?? input.client.clientId, aud: input.client.clientId,
    iat: input.now, exp: input.now + ttl, jti: randomToken(16),
    client_id: input.client.clientId, scope: formatScope(input.scopes),
  };
  if (input.authTime !== null) claims.auth_time = input.authTime;
  return signer.sign({ typ: 'at+jwt' }, claims);
}
