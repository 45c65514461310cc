// PKCE (RFC 7636): S256 only; `plain` is refused (RFC 9700 §2.1.1).
import { sha256Base64url } from '../lib/digest.js';
import { constantTimeEqual } from '../lib/constant-time.js';
import { OAuthError } from './errors.js';

// RFC 7636 §4.1 and §4.2: 43-128 characters of the unreserved set.
const pkceValue = /^[A-Za-z0-9\-._~]{43,128}$/;

export function validateCodeChallenge(challenge: string | undefined, method: string | undefined): { codeChallenge: string; codeChallengeMethod: 'S256' } | null {
  if (challenge === undefined) {
    if (method !== undefined) throw new OAuthError('invalid_request', 'code_challenge_method without code_challenge');
    return null;
  }
  if ((method ?? 'plain') !== 'S256') {
    throw new OAuthError('invalid_request', 'code_challenge_method must be S256');
  }
  if (!pkceValue.test(challenge)) throw new OAuthError('invalid_request', 'code_challenge is malformed');
  return { codeChallenge: challenge, codeChallengeMethod: 'S256' };
}

/** RFC 7636 §4.6: BASE64URL(SHA256(verifier)) must equal the stored challenge. */
export function verifyCodeVerifier(verifier: string | undefined, codeChallenge: string | null): void {
  if (codeChallenge === null) {
    // RFC 9700 §4.8.2: a verifier for a code issued without a challenge signals a downgrade attack.
    if (verifier !== undefined) throw new OAuthError('invalid_grant', 'code_verifier sent for a code issued without code_challenge');
    return;
  }
  if (verifier === undefined) throw new OAuthError('invalid_grant', 'code_verifier is required');
  if (!pkceValue.test(verifier)) throw new OAuthError('invalid_grant', 'code_verifier is malformed');
  if (!constantTimeEqual(sha256Base64url(verifier), codeChallenge)) {
    throw new OAuthError('invalid_grant', 'code_verifier does not match code_challenge');
  }
}
