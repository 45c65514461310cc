// Software statements (RFC 7591 §2.3, §3.1.1): a JWT about the client software, signed by an
// issuer the operator trusts (config registration.softwareStatementIssuers, keys by value).
// Its claims are client metadata that take precedence over the request's.
import { createLocalJWKSet, decodeJwt, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { OAuthError } from '../oauth/errors.js';

export interface TrustedSoftwareIssuer {
  issuer: string;
  jwks: { keys: Record<string, unknown>[] };
}

/** Asymmetric algorithms only: a statement proves who signed it, so no shared secret will do. */
const algorithms = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

// JWT claims about the statement itself, not client metadata.
const statementClaims = new Set(['iss', 'sub', 'aud', 'iat', 'nbf', 'exp', 'jti']);

export type SoftwareStatementVerifier = (statement: unknown, now: number) => Promise<Record<string, unknown>>;

/** A verifier for the trusted issuers: the statement's metadata claims, or an RFC 7591 §3.2.2 error. */
export function softwareStatementVerifier(issuers: readonly TrustedSoftwareIssuer[]): SoftwareStatementVerifier {
  const keySets = new Map<string, JWTVerifyGetKey>(issuers.map((trusted) => [trusted.issuer, createLocalJWKSet(trusted.jwks as JSONWebKeySet)]));
  return async (statement, now) => {
    if (typeof statement !== 'string' || statement === '') {
      throw new OAuthError('invalid_software_statement', 'software_statement must be a JWT in compact serialization');
    }
    let issuer: unknown;
    try {
      issuer = decodeJwt(statement).iss;
    } catch {
      throw new OAuthError('invalid_software_statement', 'software_statement is not a JWT in compact serialization');
    }
    const keys = typeof issuer === 'string' ? keySets.get(issuer) : undefined;
    if (!keys) {
      throw new OAuthError('unapproved_software_statement',
        typeof issuer === 'string' ? `software statements issued by '${issuer}' are not approved by this server` : 'software_statement has no iss claim');
    }
    try {
      const { payload } = await jwtVerify(statement, keys, { issuer: issuer as string, algorithms, currentDate: new Date(now * 1000) });
      return Object.fromEntries(Object.entries(payload).filter(([name]) => !statementClaims.has(name)));
    } catch (error) {
      const reason = (error as { code?: string }).code ?? 'ERR_JWS_INVALID';
      throw new OAuthError('invalid_software_statement', `software_statement did not verify against the keys of '${issuer as string}' (${reason})`, { cause: error });
    }
  };
}
