// The access token a protected-resource request presents (RFC 6750 §2.1-2.2), for UserInfo: the
// bearer check reads the typed request, where a DPoP binding (RFC 9449 §7) will be checked too.
import type { TokenStore } from '../storage/ports.js';
import type { TokenRecord } from '../storage/records.js';
import { OAuthError } from './errors.js';
import { digestOf } from './opaque-token.js';
import { refuseRepeatedParameters, type OAuthRequest } from './request.js';

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
  refuseRepeatedParameters(request);
  const { authorization } = request.headers;
  const bodyToken = request.method === 'POST' ? request.params.access_token : undefined;
  if (authorization !== undefined && bodyToken !== undefined) {
    throw new OAuthError('invalid_request', 'use only one way to send the access token');
  }
  if (bodyToken !== undefined) return bodyToken;
  if (authorization === undefined) throw new MissingAccessTokenError();
  const match = /^Bearer[ ]+(\S+)[ ]*$/i.exec(authorization);
  if (!match || !token68.test(match[1]!)) throw new OAuthError('invalid_request', 'malformed Authorization header');
  return match[1]!;
}

/** The live access token, or invalid_token (expired, revoked, unknown, or a refresh token). */
export async function validateAccessToken(token: string, { tokens }: { tokens: TokenStore }, now: number): Promise<TokenRecord> {
  const record = await tokens.find(digestOf(token));
  if (!record || record.kind !== 'access_token' || record.revokedAt !== null || record.expiresAt <= now) {
    throw new OAuthError('invalid_token', 'the access token is invalid or has expired');
  }
  return record;
}

/** The bearer check of a protected-resource request: its access token, presented and live. */
export async function authenticateAccessToken(request: OAuthRequest, deps: { tokens: TokenStore }, now: number): Promise<TokenRecord> {
  return validateAccessToken(accessTokenOf(request), deps, now);
}
