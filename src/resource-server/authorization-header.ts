// Reads the bearer token from the Authorization request header field (RFC 6750 §2.1).
import { BearerError } from './errors.js';

/** RFC 6750 §2.1 b64token syntax. */
const b64token = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * The token, or a BearerError: no code when no Bearer credentials were sent at all (§3.1: a
 * client unaware that authentication is needed, or one using another scheme), and
 * invalid_request when the Bearer credentials are malformed.
 */
export function bearerTokenFrom(authorization: string | readonly string[] | undefined): string {
  const presented = accessTokenFrom(authorization);
  if (presented.scheme !== 'Bearer') throw new BearerError(null, 'an access token is required (Bearer scheme)');
  return presented.token;
}

/** The token and its scheme: `Bearer` (RFC 6750 §2.1) or `DPoP` (RFC 9449 §7.1). */
export function accessTokenFrom(authorization: string | readonly string[] | undefined): { scheme: 'Bearer' | 'DPoP'; token: string } {
  if (authorization === undefined || authorization === '') throw new BearerError(null, 'an access token is required');
  if (typeof authorization !== 'string') throw new BearerError('invalid_request', 'send exactly one Authorization header');
  const [scheme, ...rest] = authorization.trim().split(/ +/);
  const name = scheme?.toLowerCase();
  if (name !== 'bearer' && name !== 'dpop') throw new BearerError(null, 'an access token is required (Bearer or DPoP scheme)');
  if (rest.length !== 1 || !b64token.test(rest[0]!)) throw new BearerError('invalid_request', 'the Authorization header is malformed');
  return { scheme: name === 'dpop' ? 'DPoP' : 'Bearer', token: rest[0]! };
}
