// The JWS algorithms Gatehouse signs with (RFC 7518 §3.3, §3.4, §3.5; RFC 8037 §3.1): one key per
// algorithm in the key set, all published in the JWKS. RS256 is the default (OIDC Core §3.1.3.7,
// OIDC Registration §2 id_token_signed_response_alg); `none` is never offered.

export const signingAlgorithms = ['RS256', 'PS256', 'ES256', 'EdDSA'] as const;
export type SigningAlgorithm = (typeof signingAlgorithms)[number];

/** What ID tokens, JWT access tokens and logout tokens use when a client names nothing else. */
export const defaultSigningAlgorithm: SigningAlgorithm = 'RS256';

export function isSigningAlgorithm(value: string): value is SigningAlgorithm {
  return (signingAlgorithms as readonly string[]).includes(value);
}

/**
 * Why `alg` cannot be registered as a client's id_token_signed_response_alg or
 * userinfo_signed_response_alg (OIDC Registration §2), or null when it can.
 */
export function signingAlgorithmProblem(alg: string): string | null {
  if (isSigningAlgorithm(alg)) return null;
  if (alg === 'none') return `'none' is not offered: every token Gatehouse issues is signed (use ${signingAlgorithms.join(', ')})`;
  return `'${alg}' is not a supported signing algorithm (use ${signingAlgorithms.join(', ')})`;
}
