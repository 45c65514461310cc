// Mints the token response (RFC 6749 §5.1, OIDC Core §3.1.3.3): access token (opaque or RFC 9068
// JWT), refresh token when allowed, ID token when openid was granted. Callers persist `records`:
// with tokens.insert, or inside tokens.rotateRefreshToken so a rotation is one atomic step.
// ID tokens are OpenID Connect's: minting one is injected (`mintIdToken`), so oauth/ imports
// nothing from oidc/.
import { randomToken } from '../lib/random.js';
import type { SigningKeySet } from '../keys/signing-keys.js';
import type { ClientRecord, ResourceRecord, TokenRecord } from '../storage/records.js';
import { digestOf, newOpaqueValue, tokenPrefix } from './opaque-token.js';
import { formatScope } from './scope.js';
import type { SubjectIdentifiers } from './subject-identifier.js';

export interface TokenPolicy {
  issuer: string;
  accessTokenTtl: number;
  refreshTokenTtl: number;
  idTokenTtl: number;
  accessTokenFormat: 'opaque' | 'jwt';
}

/** What an ID token is minted from; the minter adds issuer, lifetime and the scope's claims. */
export interface IdTokenRequest {
  /** The client it is issued to: its registered signing algorithm and subject type apply. */
  client: ClientRecord;
  accountId: string;
  scopes: readonly string[];
  authTime: number | null;
  nonce: string | null;
  /** The browser session the grant was made in (Back-Channel Logout 1.0 §2.1 `sid`). */
  sid: string | null;
  /** Bound by at_hash (OIDC Core §3.1.3.6). */
  accessToken: string;
  /** The authorization's `claims` request (OIDC Core §5.5), as carried by codes and tokens. */
  claims: string | null;
  now: number;
}

/** Signs an ID token for a token response (OIDC Core §3.1.3.3); `oidc/id-token.ts#idTokenMinter`. */
export type IdTokenMinter = (request: IdTokenRequest) => Promise<string>;

export interface TokenIssuanceDeps {
  policy: TokenPolicy;
  /** Signs JWT access tokens (RFC 9068). */
  keys: SigningKeySet;
  /** The `sub` of JWT access tokens: the one the client knows the account by (OIDC Core §8). */
  subjects: SubjectIdentifiers;
  mintIdToken: IdTokenMinter;
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
  /** The browser session the grant was made in; carried by the tokens and the ID token. */
  sid: string | null;
  /** OpenID Connect's `claims` request (opaque here), carried by the tokens for UserInfo and refreshes. */
  claims?: string | null;
  refreshToken: boolean;
  idToken: boolean;
  now: number;
  /** Overrides the access token life (the implicit flow's short tokens). */
  accessTokenTtl?: number;
  /**
   * The resource the access token is for (RFC 8707): its `aud`, format and life come from it.
   * Absent or null: the client is the audience and the server's format and life apply.
   */
  resource?: ResourceRecord | null;
  /** The access token's scope when it differs from `scopes` (cut down to the resource's, RFC 8707 §2.2). */
  accessTokenScopes?: string[];
  /** The resources of the grant, carried by the refresh token (RFC 8707 §2.2). */
  grantResources?: string[];
  /** RFC 9449 §6: the DPoP key the access token is bound to (`cnf.jkt`, token_type DPoP); null or absent: bearer. */
  dpopJkt?: string | null;
  /** RFC 9449 §5: the key the refresh token is bound to (public clients); null or absent: unbound. */
  refreshDpopJkt?: string | null;
  /** RFC 8693 §4.1: who acts for the subject: a JWT access token's claim, and stored with the token for introspection; null or absent: nobody. */
  act?: Record<string, unknown> | null;
  /**
   * The access token's `sub` when `accountId` is null and the subject is not the client (an
   * exchanged token's: a trusted issuer's subject, or the client of an exchanged client_credentials token).
   */
  subject?: string | null;
}

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer' | 'DPoP';
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
  const resource = input.resource ?? null;
  const accessTtl = input.accessTokenTtl ?? resource?.accessTokenTtl ?? policy.accessTokenTtl;
  const accessScopes = input.accessTokenScopes ?? input.scopes;
  const audience = resource?.identifier ?? client.clientId;
  const dpopJkt = input.dpopJkt ?? null;
  const accessToken = (resource?.tokenFormat ?? policy.accessTokenFormat) === 'jwt'
    ? await signAccessTokenJwt(input, audience, accessScopes, accessTtl, deps)
    : newOpaqueValue(tokenPrefix.accessToken).value;
  const base = {
    grantId: input.grantId, clientId: client.clientId, accountId: input.accountId, scopes: input.scopes,
    authTime: input.authTime, sid: input.sid, claims: input.claims ?? null, createdAt: now, revokedAt: null, rotatedAt: null,
  };
  const records: TokenRecord[] = [
    {
      ...base, scopes: accessScopes, tokenDigest: digestOf(accessToken), kind: 'access_token', nonce: null,
      resources: resource ? [resource.identifier] : [], dpopJkt, act: input.act ?? null,
      subject: input.accountId === null ? input.subject ?? null : null, expiresAt: now + accessTtl,
    },
  ];
  const response: TokenResponse = {
    access_token: accessToken, token_type: dpopJkt ? 'DPoP' : 'Bearer', expires_in: accessTtl, scope: formatScope(accessScopes),
  };
  if (input.refreshToken) {
    const refresh = newOpaqueValue(tokenPrefix.refreshToken);
    records.push({
      ...base, scopes: input.refreshTokenScopes ?? input.scopes, tokenDigest: refresh.digest, kind: 'refresh_token', nonce: input.nonce,
      resources: input.grantResources ?? [], dpopJkt: input.refreshDpopJkt ?? null, act: null, subject: null, expiresAt: now + policy.refreshTokenTtl,
    });
    response.refresh_token = refresh.value;
  }
  if (input.idToken && input.accountId !== null) {
    response.id_token = await deps.mintIdToken({
      client, accountId: input.accountId, scopes: input.scopes, authTime: input.authTime,
      nonce: input.nonce, sid: input.sid, accessToken, claims: input.claims ?? null, now,
    });
  }
  return { response, records };
}

/**
 * RFC 9068 JWT access token, RS256 (§2.1's default, whatever the client's ID token algorithm);
 * still stored by digest so it can be revoked and introspected. Its `sub` is the client's
 * (pairwise) subject, the same as introspection answers; `aud` is the resource (RFC 9068 §3,
 * RFC 8707), or the client when none was targeted.
 */
async function signAccessTokenJwt(
  input: TokenGrantInput, audience: string, scopes: readonly string[], ttl: number, deps: TokenIssuanceDeps,
): Promise<string> {
  const signer = await deps.keys.signingKey();
  const sub = input.accountId === null ? input.subject ?? input.client.clientId : deps.subjects.subjectFor(input.client, input.accountId);
  const claims: Record<string, unknown> = {
    iss: deps.policy.issuer, sub, aud: audience,
    iat: input.now, exp: input.now + ttl, jti: randomToken(16),
    client_id: input.client.clientId, scope: formatScope(scopes),
  };
  if (input.authTime !== null) claims.auth_time = input.authTime;
  // RFC 9449 §6.1: the confirmation of the key the token is bound to.
  if (input.dpopJkt) claims.cnf = { jkt: input.dpopJkt };
  if (input.act) claims.act = input.act;
  return signer.sign({ typ: 'at+jwt' }, claims);
}
