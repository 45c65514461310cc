// The end of a successful authorization: a code for the code flow (RFC 6749 §4.1.2), or the
// legacy implicit flow's ID token and short-lived access token (OIDC Core §3.2.2.5), opt-in only.
import { randomToken } from '../lib/random.js';
import type { SigningKeySet } from '../keys/signing-keys.js';
import type { SubjectIdentifiers } from '../oauth/subject-identifier.js';
import type { Storage } from '../storage/ports.js';
import type { SessionRecord } from '../storage/records.js';
import { issueAuthorizationCode } from '../oauth/authorization-code.js';
import { authorizationResponse, type AuthorizationResponse } from '../oauth/authorization-response.js';
import { mintTokens, type TokenPolicy } from '../oauth/issue-tokens.js';
import { idTokenMinter, signIdToken } from './id-token.js';
import { idTokenClaims } from './claims.js';
import type { AuthenticationRequest } from './authentication-request.js';
import type { Authentication } from './prompt.js';

export interface CompletionDeps {
  storage: Storage;
  keys: SigningKeySet;
  subjects: SubjectIdentifiers;
  tokenPolicy: TokenPolicy;
  codeTtl: number;
  implicitAccessTokenTtl: number;
  /** The acr values Gatehouse's sign-in meets (oidc/acr.ts). */
  acrValuesSupported?: readonly string[];
  now: number;
}

/**
 * The browser session the authorization is issued in, when it is the authenticated user's: its
 * `sid` goes into the code, grant and ID token (Back-Channel Logout 1.0 §2.1), and the session
 * remembers the client, so a logout knows whom to tell (§2.5) and what to revoke (OIDC Core §11).
 */
async function sessionOf(
  authentication: Authentication, session: SessionRecord | null, clientId: string, storage: Storage,
): Promise<string | null> {
  if (!session || session.accountId !== authentication.accountId) return null;
  if (!session.clientIds.includes(clientId)) await storage.sessions.addClient(session.sessionDigest, clientId);
  return session.sid;
}

export async function completeAuthorization(
  request: AuthenticationRequest,
  authentication: Authentication,
  deps: CompletionDeps,
  session: SessionRecord | null = null,
): Promise<AuthorizationResponse> {
  const { storage, now, tokenPolicy } = deps;
  const issuer = tokenPolicy.issuer;
  const sid = await sessionOf(authentication, session, request.client.clientId, storage);
  if (request.responseType === 'code') {
    const { code } = await issueAuthorizationCode(
      { request, accountId: authentication.accountId, authTime: authentication.authTime, sid, now, codeTtl: deps.codeTtl },
      storage,
    );
    return authorizationResponse(request, issuer, { code });
  }

  const grantId = randomToken(16);
  const clientId = request.client.clientId;
  await storage.grants.insert({ grantId, accountId: authentication.accountId, clientId, scopes: request.scopes, sid, createdAt: now, revokedAt: null });
  if (request.responseType === 'id_token') {
    const claims = await idTokenClaims(storage.accounts, authentication.accountId, request.scopes, request.claimsRequest, deps.acrValuesSupported);
    const idToken = await signIdToken({
      issuer, client: request.client, accountId: authentication.accountId, authTime: authentication.authTime,
      nonce: request.nonce, sid, claims, now, ttl: tokenPolicy.idTokenTtl,
    }, deps);
    return authorizationResponse(request, issuer, { id_token: idToken });
  }
  const minted = await mintTokens({
    grantId, client: request.client, accountId: authentication.accountId, scopes: request.scopes,
    authTime: authentication.authTime, nonce: request.nonce, sid, claims: request.claims, refreshToken: false, idToken: true, now,
    accessTokenTtl: deps.implicitAccessTokenTtl,
  }, {
    policy: tokenPolicy, keys: deps.keys, subjects: deps.subjects,
    mintIdToken: idTokenMinter({ issuer, ttl: tokenPolicy.idTokenTtl, keys: deps.keys, subjects: deps.subjects, accounts: storage.accounts, acrValuesSupported: deps.acrValuesSupported }),
  });
  await storage.tokens.insert(minted.records);
  const { access_token, token_type, expires_in, id_token, scope } = minted.response;
  return authorizationResponse(request, issuer, { access_token, token_type, expires_in: String(expires_in), id_token, scope });
}
