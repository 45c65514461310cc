// ID tokens (OIDC Core §2, §3.1.3.6-7): signed with the active key of the client's
// id_token_signed_response_alg (OIDC Registration §2; RS256 by default); `sub` is the subject the
// client knows the account by (OIDC Core §8); at_hash binds the access token.
import type { JWTPayload } from 'jose';
import { createHash } from 'node:crypto';
import type { SigningKeySet } from '../keys/signing-keys.js';
import { defaultSigningAlgorithm, isSigningAlgorithm, type SigningAlgorithm } from '../keys/signing-algorithms.js';
import type { AccountStore } from '../storage/ports.js';
import type { ClientRecord } from '../storage/records.js';
import type { SubjectIdentifiers } from '../oauth/subject-identifier.js';
import type { IdTokenMinter } from '../oauth/issue-tokens.js';
import type { IdTokenHintVerifier } from './authentication-request.js';
import { idTokenClaims } from './claims.js';
import { storedClaimsRequest } from './claims-request.js';
import type { LogoutHintVerifier } from './end-session.js';

export interface IdTokenInput {
  issuer: string;
  client: ClientRecord;
  accountId: string;
  authTime: number | null;
  nonce: string | null;
  /** The browser session (Back-Channel Logout 1.0 §2.1, Front-Channel Logout 1.0 §3). */
  sid?: string | null | undefined;
  /** When present, at_hash is added (OIDC Core §3.1.3.6, §3.2.2.10). */
  accessToken?: string | undefined;
  /** Extra claims (profile, email) for flows where no UserInfo call follows. */
  claims?: Record<string, unknown> | undefined;
  now: number;
  ttl: number;
}

/** Left-most half of the SHA-256 of the ASCII token, base64url (RS256, PS256, ES256 use SHA-256; EdDSA too, OIDC Core §3.1.3.6). */
export function tokenHash(value: string): string {
  const digest = createHash('sha256').update(value, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

/**
 * The algorithm a client's ID tokens — and its logout tokens, which Back-Channel Logout 1.0 §2.4
 * signs with the keys of its ID tokens — are signed with (OIDC Registration §2; default RS256).
 */
export function idTokenAlgorithm(client: ClientRecord): SigningAlgorithm {
  const alg = client.metadata.idTokenSignedResponseAlg;
  return alg !== undefined && isSigningAlgorithm(alg) ? alg : defaultSigningAlgorithm;
}

export interface IdTokenSigning {
  keys: SigningKeySet;
  subjects: SubjectIdentifiers;
}

export async function signIdToken(input: IdTokenInput, { keys, subjects }: IdTokenSigning): Promise<string> {
  const signer = await keys.signingKey(idTokenAlgorithm(input.client));
  const payload: JWTPayload = {
    ...input.claims,
    iss: input.issuer, sub: subjects.subjectFor(input.client, input.accountId), aud: input.client.clientId,
    iat: input.now, exp: input.now + input.ttl,
  };
  // Every ID token of a sign-in carries auth_time, so max_age, default_max_age and
  // require_auth_time (OIDC Core §2, OIDC Registration §2) are always met.
  if (input.authTime !== null) payload.auth_time = input.authTime;
  if (input.nonce !== null) payload.nonce = input.nonce;
  if (input.sid) payload.sid = input.sid;
  if (input.accessToken !== undefined) payload.at_hash = tokenHash(input.accessToken);
  return signer.sign({ typ: 'JWT' }, payload);
}

export interface IdTokenMinterDeps {
  issuer: string;
  /** ID token life in seconds. */
  ttl: number;
  keys: SigningKeySet;
  subjects: SubjectIdentifiers;
  accounts: AccountStore;
  /** The acr values Gatehouse's sign-in meets (oidc/acr.ts); default none. */
  acrValuesSupported?: readonly string[] | undefined;
}

/**
 * The ID token of a token response, injected into `oauth/issue-tokens.ts`: the scope's claims
 * (OIDC Core §5.4) for flows where no UserInfo call follows, `amr` (§2) and at_hash.
 */
export function idTokenMinter({ issuer, ttl, keys, subjects, accounts, acrValuesSupported }: IdTokenMinterDeps): IdTokenMinter {
  return async (request) => {
    const claims = await idTokenClaims(accounts, request.accountId, request.scopes, storedClaimsRequest(request.claims), acrValuesSupported);
    return signIdToken({
      issuer, client: request.client, accountId: request.accountId, authTime: request.authTime, nonce: request.nonce,
      sid: request.sid, accessToken: request.accessToken, claims: { ...claims, amr: ['pwd'] }, now: request.now, ttl,
    }, { keys, subjects });
  };
}

/**
 * OIDC Core §3.1.2.1: an id_token_hint is accepted even when expired, but it must carry our
 * signature, our issuer and the requesting client as audience.
 */
export function idTokenHintVerifier(issuer: string, keys: SigningKeySet): IdTokenHintVerifier {
  return async (idToken, clientId) => {
    // jose is loaded on the first hint rather than at start (~35 ms of cold start).
    const { compactVerify, createLocalJWKSet, decodeJwt } = await import('jose');
    try {
      const jwks = createLocalJWKSet(await keys.publicJwks());
      await compactVerify(idToken, jwks);
      const claims = decodeJwt(idToken);
      const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
      if (claims.iss !== issuer || !audience.includes(clientId) || typeof claims.sub !== 'string') return null;
      return claims.sub;
    } catch {
      return null;
    }
  };
}

/**
 * RP-Initiated Logout 1.0 §2: an id_token_hint for a logout must be an ID token we signed (any
 * key still in our JWKS) for our issuer; it is accepted even when expired, and whoever it was
 * issued to is the end-session endpoint's to check against client_id.
 */
export function logoutHintVerifier(issuer: string, keys: SigningKeySet): LogoutHintVerifier {
  return async (idToken) => {
    const { compactVerify, createLocalJWKSet, decodeJwt } = await import('jose');
    try {
      await compactVerify(idToken, createLocalJWKSet(await keys.publicJwks()));
      const claims = decodeJwt(idToken);
      if (claims.iss !== issuer || typeof claims.sub !== 'string') return null;
      const aud = (Array.isArray(claims.aud) ? claims.aud : [claims.aud]).filter((a): a is string => typeof a === 'string');
      // OIDC Core §2: with several audiences, azp names the client it was issued to.
      const azp = typeof claims.azp === 'string' ? claims.azp : null;
      const ordered = azp && aud.includes(azp) ? [azp, ...aud.filter((a) => a !== azp)] : aud;
      if (ordered.length === 0) return null;
      return { sub: claims.sub, aud: ordered, sid: typeof claims.sid === 'string' ? claims.sid : null };
    } catch {
      return null;
    }
  };
}
