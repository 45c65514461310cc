// The access token a protected-resource request presents (RFC 6750 §2.1-2.2), for UserInfo: the
// bearer check reads the typed request, where a DPoP binding (RFC 9449 §7) will be checked too.
import type { TokenStore } from '../storage/ports.js';
import type { TokenRecord } from '../storage/records.js';
import { OAuthError } from './errors.js';
import { digestOf } from './opaque-token.js';
import { refuseRepeatedParameters, type OAuthRequest } from './request.js';
import { checkPresentedToken, type DpopBindingDeps } from './dpop-binding.js';

/** RFC 6750 §2.1 token68 syntax. */
const token68 = /^[A-Za-z0-9\-._~+/]+=*$/;

/** The request carried no access token: RFC 6750 §3.1 answers with a challenge and no error code. */
export class MissingAccessTokenError extends OAuthError {
  constructor() {
    super('invalid_token', 'no access token was presented');
  }
}

/** The token from `Authorization: Bearer …` or, in a POST form body, `access_token` (RFC 6750 §2.1-2.2). */
export function accessTokenOf(request: OAuthRequest): string {
  return presentedAccessToken(request).token;
}

/** The token and its scheme: `Bearer` (RFC 6750 §2.1-2.2) or `DPoP` (RFC 9449 §7.1, header only). */
export function presentedAccessToken(request: OAuthRequest): { scheme: 'Bearer' | 'DPoP'; token: string } {
  refuseRepeatedParameters(request);
  const { authorization } = request.headers;
  const bodyToken = request.method === 'POST' ? request.params.access_token : undefined;
  if (authorization !== undefined && bodyToken !== undefined) {
    throw new OAuthError('invalid_request', 'use only one way to send the access token');
  }
  if (bodyToken !== undefined) return { scheme: 'Bearer', token: bodyToken };
  if (authorization === undefined) throw new MissingAccessTokenError();
  const match = /^(Bearer|DPoP)[ ]+(\S+)[ ]*$/i.exec(authorization);
  if (!match || !token68.test(match[2]!)) throw new OAuthError('invalid_request', 'malformed Authorization header');
  return { scheme: match[1]!.toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer', token: match[2]! };
}

/** The live access token, or invalid_token (expired, revoked, unknown, or a refresh token). */
export async function validateAccessToken(token: string, { tokens }: { tokens: TokenStore }, now: number): Promise<TokenRecord> {
  const record = await tokens.find(digestOf(token));
  if (!record || record.kind !== 'access_token' || record.revokedAt !== null || record.expiresAt <= now) {
    throw new OAuthError('invalid_token', 'the access token is invalid or has expired');
  }
  return record;
}

/**
 * The check of a protected-resource request: its access token, presented and live, and when it
 * is DPoP-bound, presented with the DPoP scheme and a proof by its key (RFC 9449 §7.1).
 */
export async function authenticateAccessToken(
  request: OAuthRequest, deps: { tokens: TokenStore; dpop: Omit<DpopBindingDeps, 'now'> }, now: number,
): Promise<TokenRecord> {
  const presented = presentedAccessToken(request);
  const record = await validateAccessToken(presented.token, deps, now);
  await checkPresentedToken(request, presented, record, { ...deps.dpop, now });
  return record;
}
