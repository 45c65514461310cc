// Which tokens a DPoP key binds (RFC 9449), once for every grant and every protected resource:
// at the token endpoint the proof's key becomes the new tokens' `cnf.jkt` (§5, §6), a refresh
// token of a public client stays bound to it (§5), a code asked with `dpop_jkt` is redeemed only
// by that key (§10); at a resource a bound token needs the DPoP scheme and a proof by its key (§7).
import type { ReplayCacheStore } from '../storage/ports.js';
import type { AuthorizationCodeRecord, ClientRecord, TokenRecord } from '../storage/records.js';
import { OAuthError } from './errors.js';
import { DpopProofError, verifyDpopProof, type DpopPolicy } from './dpop.js';
import type { AuthenticatedRequest, OAuthRequest } from './request.js';

export interface DpopBindingDeps {
  replayCache: ReplayCacheStore;
  policy: DpopPolicy;
  now: number;
}

/**
 * The token request's key: the thumbprint new access tokens bind to, or null for bearer tokens.
 * A client registered with dpop_bound_access_tokens must send a proof (§5.2).
 */
export async function tokenRequestKey(request: AuthenticatedRequest, deps: DpopBindingDeps): Promise<string | null> {
  const proof = request.headers.dpop;
  if (proof === undefined) {
    if (request.client.metadata.dpopBoundAccessTokens) {
      throw new DpopProofError('invalid_dpop_proof', 'this client must send a DPoP proof with every token request (dpop_bound_access_tokens)');
    }
    return null;
  }
  return (await verifyDpopProof({ proof, method: request.method, url: request.url }, deps)).jkt;
}

/** §5: refresh tokens of public clients are bound to the key too; a confidential client's are bound by its authentication. */
export function refreshTokenKey(client: ClientRecord, key: string | null): string | null {
  return client.tokenEndpointAuthMethod === 'none' ? key : null;
}

/** §10.1: a code whose authorization request carried dpop_jkt is redeemed only with a proof by that key. */
export function checkCodeKey(code: AuthorizationCodeRecord, key: string | null): void {
  if (code.dpopJkt && code.dpopJkt !== key) {
    throw new OAuthError('invalid_grant', 'the authorization code is bound to another DPoP key (dpop_jkt)');
  }
}

/** §5: a bound refresh token is used only with a proof by its key. */
export function checkRefreshTokenKey(token: TokenRecord, key: string | null): void {
  if (token.dpopJkt && token.dpopJkt !== key) {
    throw new OAuthError('invalid_grant', 'the refresh token is bound to another DPoP key');
  }
}

/** §10: `dpop_jkt` at the authorization endpoint (or in a pushed request): a JWK SHA-256 thumbprint. */
export function requestedCodeKey(params: Readonly<Record<string, string>>): string | null {
  const value = params.dpop_jkt;
  if (value === undefined) return null;
  if (!/^[A-Za-z0-9_-]{43}$/.test(value)) throw new OAuthError('invalid_request', 'dpop_jkt must be a base64url SHA-256 JWK thumbprint');
  return value;
}

/**
 * §10.1: a pushed authorization request with a DPoP proof binds its code to the proof's key, as
 * `dpop_jkt` does; when both are sent they must name the same key. Returns the parameters to store.
 */
export async function withPushedRequestKey(
  request: AuthenticatedRequest, params: Record<string, string>, deps: DpopBindingDeps,
): Promise<Record<string, string>> {
  const proof = request.headers.dpop;
  if (proof === undefined) return params;
  const { jkt } = await verifyDpopProof({ proof, method: request.method, url: request.url }, deps);
  if (params.dpop_jkt !== undefined && params.dpop_jkt !== jkt) {
    throw new DpopProofError('invalid_dpop_proof', 'dpop_jkt does not match the key of the DPoP proof');
  }
  return { ...params, dpop_jkt: jkt };
}

/**
 * §7.1 at a protected resource (UserInfo): a DPoP-bound token must come with the DPoP scheme
 * and a proof by its key for this request and this token (`ath`); a bearer token must not claim
 * the DPoP scheme. Failures are invalid_token or the proof's own error.
 */
export async function checkPresentedToken(
  request: OAuthRequest, presented: { scheme: 'Bearer' | 'DPoP'; token: string }, record: TokenRecord, deps: DpopBindingDeps,
): Promise<void> {
  if (!record.dpopJkt) {
    if (presented.scheme === 'DPoP') throw new OAuthError('invalid_token', 'the access token is not DPoP-bound: present it as a Bearer token');
    return;
  }
  if (presented.scheme !== 'DPoP') throw new OAuthError('invalid_token', 'the access token is DPoP-bound: present it with the DPoP scheme and a proof');
  const proof = request.headers.dpop;
  if (proof === undefined) throw new DpopProofError('invalid_dpop_proof', 'a DPoP proof must accompany a DPoP-bound access token');
  const verified = await verifyDpopProof({ proof, method: request.method, url: request.url, accessToken: presented.token }, deps);
  if (verified.jkt !== record.dpopJkt) throw new OAuthError('invalid_token', 'the DPoP proof is signed by another key than the token is bound to');
}
