// Validating an access token presented as a Bearer credential (RFC 6750), for UserInfo.
import type { TokenStore } from '../storage/ports.js';
import type { TokenRecord } from '../storage/records.js';
import { OAuthError } from './errors.js';
import { digestOf } from './opaque-token.js';

/** RFC 6750 §2.1 token68 syntax. */
const token68 = /^[A-Za-z0-9\-._~+/]+=*$/;

/** The token from `Authorization: Bearer …` or, for POST bodies, `access_token` (RFC 6750 §2.1-2.2). */
export function extractBearerToken(authorization: string | undefined, bodyToken: string | undefined): string | null {
  if (authorization !== undefined && bodyToken !== undefined) {
    throw new OAuthError('invalid_request', 'use only one way to send the access token');
  }
  if (bodyToken !== undefined) return bodyToken;
  if (authorization === undefined) return null;
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
