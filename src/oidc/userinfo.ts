// UserInfo (OIDC Core §5.3): for access tokens whose audience is the client (no resource) or
// UserInfo itself, never one for another registered resource (RFC 8707); the claims the access token's scopes allow and those its
// authorization asked of UserInfo by name (§5.5), `sub` as the token's client knows the account
// (§8), as JSON — or as a JWS (§5.3.2, `application/jwt`) when the client registered
// userinfo_signed_response_alg, carrying `iss` and `aud` too.
import type { Storage } from '../storage/ports.js';
import type { ClientRecord } from '../storage/records.js';
import { OAuthError } from '../oauth/errors.js';
import { authenticateAccessToken } from '../oauth/bearer-token.js';
import { tokenIsForEndpoint } from '../oauth/resource-indicator.js';
import type { DpopPolicy } from '../oauth/dpop.js';
import type { OAuthRequest } from '../oauth/request.js';
import type { ClientResolver } from '../oauth/client-resolver.js';
import type { SubjectIdentifiers } from '../oauth/subject-identifier.js';
import type { SigningKeySet } from '../keys/signing-keys.js';
import { isSigningAlgorithm } from '../keys/signing-algorithms.js';
import { releasedClaims } from './claims.js';
import { storedClaimsRequest } from './claims-request.js';

export interface UserInfo {
  claims: Record<string, unknown>;
  /** The client the access token was issued to. */
  client: ClientRecord;
}

export async function userInfo(
  request: OAuthRequest,
  { storage, clients = storage.clients, now, subjects, dpop }: {
    storage: Storage; clients?: ClientResolver; now: number; subjects: SubjectIdentifiers;
    /** RFC 9449 §7.1: DPoP-bound tokens are checked against their proof. */
    dpop: DpopPolicy;
  },
): Promise<UserInfo> {
  const token = await authenticateAccessToken(request, { tokens: storage.tokens, dpop: { replayCache: storage.replayCache, policy: dpop } }, now);
  // A token for another API (RFC 8707 audience) is not one for UserInfo, whatever its scopes.
  if (!tokenIsForEndpoint(token, request.url)) throw new OAuthError('invalid_token', 'the access token was issued for another resource');
  if (!token.scopes.includes('openid') || token.accountId === null) {
    throw new OAuthError('insufficient_scope', 'the access token was not issued for OpenID Connect');
  }
  const [account, client] = await Promise.all([storage.accounts.findById(token.accountId), clients.find(token.clientId).catch(() => null)]);
  if (!account || !client) throw new OAuthError('invalid_token', 'the access token is invalid or has expired');
  const claims = releasedClaims(account, token.scopes, storedClaimsRequest(token.claims), 'userinfo');
  return { claims: { ...claims, sub: subjects.subjectFor(client, account.accountId) }, client };
}

export type UserInfoAnswer =
  | { contentType: 'application/json'; body: Record<string, unknown> }
  | { contentType: 'application/jwt'; body: string };

/** §5.3.2: JSON, or a JWS signed with the client's userinfo_signed_response_alg (`none` is never offered). */
export async function userInfoAnswer(
  { claims, client }: UserInfo, { issuer, keys, now }: { issuer: string; keys: SigningKeySet; now: number },
): Promise<UserInfoAnswer> {
  const alg = client.metadata.userinfoSignedResponseAlg;
  if (alg === undefined || !isSigningAlgorithm(alg)) return { contentType: 'application/json', body: claims };
  const signer = await keys.signingKey(alg);
  return { contentType: 'application/jwt', body: await signer.sign({}, { ...claims, iss: issuer, aud: client.clientId, iat: now }) };
}
