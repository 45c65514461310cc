// Verifies JWT access tokens locally against the issuer's JWKS (RFC 9068 §4).
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { BearerError, VerifierUnavailableError } from './errors.js';
import { parseScope, type VerifiedAccessToken } from './verified-access-token.js';

export interface JwtAccessTokenPolicy {
  issuer: string;
  audience: readonly string[];
  /** Asymmetric algorithms only: RFC 9068 §4 forbids `none`, and a shared secret would let any API mint tokens. */
  algorithms: readonly string[];
  clockToleranceSeconds: number;
  now: () => number;
}

export type KeyResolver = ReturnType<typeof createRemoteJWKSet>;

/** jose error codes that mean "this token is no good" rather than "we could not check". */
const tokenFaults = new Set([
  'ERR_JWT_CLAIM_VALIDATION_FAILED', 'ERR_JWT_EXPIRED', 'ERR_JOSE_ALG_NOT_ALLOWED', 'ERR_JOSE_NOT_SUPPORTED',
  'ERR_JWS_INVALID', 'ERR_JWT_INVALID', 'ERR_JWKS_NO_MATCHING_KEY', 'ERR_JWKS_MULTIPLE_MATCHING_KEYS',
  'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
]);

/** A compact JWS has three base64url parts; anything else is treated as an opaque token. */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);
}

export async function verifyJwtAccessToken(token: string, keys: KeyResolver, policy: JwtAccessTokenPolicy): Promise<VerifiedAccessToken> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, keys, {
      issuer: policy.issuer,
      audience: [...policy.audience],
      // RFC 9068 §4: typ must be at+jwt, so an ID token can never pass as an access token.
      typ: 'at+jwt',
      algorithms: [...policy.algorithms],
      requiredClaims: ['iss', 'exp', 'aud', 'sub', 'client_id', 'iat', 'jti'],
      currentDate: new Date(policy.now() * 1000),
      clockTolerance: policy.clockToleranceSeconds,
    }));
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && tokenFaults.has(code)) {
      throw new BearerError('invalid_token', code === 'ERR_JWT_EXPIRED' ? 'the access token has expired' : 'the access token is invalid', { cause: error });
    }
    throw new VerifierUnavailableError('the JWKS could not be fetched', { cause: error });
  }
  if (typeof payload.client_id !== 'string' || typeof payload.sub !== 'string') {
    throw new BearerError('invalid_token', 'the access token is invalid');
  }
  return {
    format: 'jwt',
    subject: payload.sub,
    clientId: payload.client_id,
    scopes: parseScope(payload.scope),
    expiresAt: payload.exp!,
    claims: payload,
  };
}
