// The checks the playground shows next to step 6, redone in the open so a newcomer sees them:
// the ID token decoded, its signature verified against the key in Gatehouse's JWKS that its
// `kid` names (RFC 7515 §4.1.4, OIDC Core §10.1), at_hash (OIDC Core §3.1.3.6), and the PKCE
// S256 challenge (RFC 7636 §4.2). openid-client has already made the same checks.
import { createHash } from 'node:crypto';
import { compactVerify, decodeJwt, decodeProtectedHeader, importJWK, type JWK } from 'jose';

export interface IdTokenCheck {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  /** The signature part, masked like a token (it is what makes the JWT usable). */
  signatureLength: number;
  kid: string | undefined;
  jwksUri: string;
  /** The key the kid named, as published (public parts only). */
  jwk: JWK | undefined;
  signatureValid: boolean;
  signatureProblem?: string;
  atHash: { expected: string; inToken: unknown; matches: boolean } | undefined;
}

/** base64url(SHA-256(verifier)), RFC 7636 §4.2. */
export const pkceChallengeOf = (verifier: string) => createHash('sha256').update(verifier, 'ascii').digest('base64url');

/** Left half of the hash of the access token, the hash chosen by the ID token's alg (OIDC Core §3.1.3.6). */
export function atHashOf(accessToken: string, alg: string): string {
  const bits = /(\d{3})$/.exec(alg)?.[1] ?? '256';
  const hash = createHash(`sha${bits}`).update(accessToken, 'ascii').digest();
  return hash.subarray(0, hash.length / 2).toString('base64url');
}

export async function checkIdToken(idToken: string, accessToken: string, jwksUri: string, jwks: { keys?: JWK[] }): Promise<IdTokenCheck> {
  const header = decodeProtectedHeader(idToken) as Record<string, unknown>;
  const payload = decodeJwt(idToken) as Record<string, unknown>;
  const kid = typeof header.kid === 'string' ? header.kid : undefined;
  const jwk = (jwks.keys ?? []).find((key) => key.kid === kid);
  let signatureValid = false;
  let signatureProblem: string | undefined;
  if (!jwk) {
    signatureProblem = `no key with kid ${String(kid)} in the JWKS`;
  } else {
    try {
      await compactVerify(idToken, await importJWK(jwk, String(header.alg)));
      signatureValid = true;
    } catch (error) {
      signatureProblem = (error as Error).message;
    }
  }
  const alg = String(header.alg);
  const expected = atHashOf(accessToken, alg);
  return {
    header, payload, signatureLength: idToken.split('.')[2]?.length ?? 0, kid, jwksUri,
    jwk: jwk ? Object.fromEntries(Object.entries(jwk).filter(([name]) => !['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'].includes(name))) as JWK : undefined,
    signatureValid, ...(signatureProblem ? { signatureProblem } : {}),
    atHash: payload.at_hash === undefined ? undefined : { expected, inToken: payload.at_hash, matches: payload.at_hash === expected },
  };
}
