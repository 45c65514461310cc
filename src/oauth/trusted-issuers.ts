// JWTs from the issuers an operator trusts for Token Exchange (RFC 8693 §3,
// urn:ietf:params:oauth:token-type:jwt): the `iss` picks the configured issuer (nothing else is
// read before the signature is checked), the signature is verified with that issuer's JWK Set
// (fetched through lib/outbound-fetch and cached: client-keys.ts#createRemoteKeySets, one refetch
// for an unknown kid), and the claims must hold: `exp` present and not passed, `aud` containing
// the configured audience (Gatehouse's issuer by default), `nbf` and `iat` not in the future
// (beyond the clock skew), `sub` present. Any failure is invalid_grant (RFC 8693 §2.2.2, RFC 6749
// §5.2), never a server error. The subject is the issuer's, not a local account: Gatehouse names
// it `<issuer>#<sub>` so it can never be mistaken for one of its own subjects.
import { decodeJwt, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyOptions } from 'jose';
import { ClientKeysError, type RemoteKeySets } from './client-keys.js';
import { OAuthError } from './errors.js';

/** One entry of `tokenExchange.trustedIssuers` (config/schema.ts). */
export interface TrustedIssuer {
  issuer: string;
  jwksUri: string;
  /** What `aud` must contain; absent: Gatehouse's issuer. */
  audience?: string | undefined;
  algorithms: readonly string[];
  /** The claim naming the subject; `sub` by default. */
  subjectClaim: string;
}

export interface TrustedIssuerPolicy {
  issuers: readonly TrustedIssuer[];
  keySets: RemoteKeySets;
  /** Gatehouse's own issuer: the audience an entry without one asks for. */
  ownIssuer: string;
  /** Seconds of clock difference tolerated on `nbf` and `iat` (config jwtClockSkew); `exp` is strict. */
  clockSkew: number;
}

export interface TrustedIssuerToken {
  issuer: TrustedIssuer;
  /** Verified claims. */
  claims: JWTPayload;
  /** `<issuer>#<subject claim>`: the `sub` of what Gatehouse issues for it. */
  subject: string;
}

/** The issued token's subject for an external one: issuers have no fragment, so the first `#` splits it unambiguously. */
export function qualifiedSubject(issuer: string, sub: string): string {
  return `${issuer}#${sub}`;
}

/** Why jose refused a JWT, in words safe for the client (the token itself is never repeated). */
function reasonOf(error: unknown): string {
  if (error instanceof ClientKeysError) return 'the issuer\'s keys could not be fetched';
  if (error instanceof joseErrors.JWTExpired) return 'it has expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `its "${error.claim}" claim is not acceptable`;
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'its signature does not verify';
  if (error instanceof joseErrors.JWKSNoMatchingKey || error instanceof joseErrors.JWKSMultipleMatchingKeys) return 'no key of the issuer matches it';
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'its algorithm is not accepted for this issuer';
  return 'it is not a well-formed signed JWT';
}

/** A trusted issuer's verified JWT, or invalid_grant saying which rule it broke. */
export async function verifyTrustedIssuerJwt(
  token: string, policy: TrustedIssuerPolicy, now: number, what: string,
): Promise<TrustedIssuerToken> {
  let unverified: JWTPayload;
  try {
    unverified = decodeJwt(token);
  } catch {
    throw new OAuthError('invalid_grant', `the ${what} is not a JWT`);
  }
  // Only selects the configuration; the signature below is what makes the issuer's word count.
  const issuer = policy.issuers.find((i) => i.issuer === unverified.iss);
  if (!issuer) throw new OAuthError('invalid_grant', `the ${what} is not from a trusted issuer`);
  const options: JWTVerifyOptions = {
    issuer: issuer.issuer, audience: issuer.audience ?? policy.ownIssuer, algorithms: [...issuer.algorithms],
    requiredClaims: ['exp', 'sub'], clockTolerance: policy.clockSkew, currentDate: new Date(now * 1000),
  };
  let claims: JWTPayload;
  try {
    try {
      claims = (await jwtVerify(token, await policy.keySets.keys(issuer.issuer, issuer.jwksUri), options)).payload;
    } catch (error) {
      // The issuer rotated its keys: one refetch (rate-limited per issuer by the cache), then give up.
      if (!(error instanceof joseErrors.JWKSNoMatchingKey)) throw error;
      claims = (await jwtVerify(token, await policy.keySets.keys(issuer.issuer, issuer.jwksUri, { refresh: true }), options)).payload;
    }
  } catch (error) {
    throw new OAuthError('invalid_grant', `the ${what} was refused: ${reasonOf(error)}`);
  }
  // jose tolerates the skew on exp too; a subject token must still be live now.
  if (typeof claims.exp !== 'number' || claims.exp <= now) throw new OAuthError('invalid_grant', `the ${what} was refused: it has expired`);
  if (claims.iat !== undefined && (typeof claims.iat !== 'number' || claims.iat > now + policy.clockSkew)) {
    throw new OAuthError('invalid_grant', `the ${what} was refused: its "iat" claim is not acceptable`);
  }
  const subject = claims[issuer.subjectClaim];
  if (typeof claims.sub !== 'string' || claims.sub === '' || typeof subject !== 'string' || subject === '') {
    throw new OAuthError('invalid_grant', `the ${what} was refused: it names no subject`);
  }
  return { issuer, claims, subject: qualifiedSubject(issuer.issuer, subject) };
}
