import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateCodeChallenge, verifyCodeVerifier } from './pkce.js';
import { OAuthError } from './errors.js';

// RFC 7636 Appendix B.
const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

describe('PKCE', () => {
  it('accepts the RFC 7636 Appendix B verifier for its S256 challenge (RFC 7636 §4.6)', () => {
    assert.doesNotThrow(() => verifyCodeVerifier(verifier, challenge));
  });

  const refusals: Array<{ name: string; verifier: string | undefined; challenge: string | null; code: string }> = [
    { name: 'a wrong verifier', verifier: verifier.replace('d', 'e'), challenge, code: 'invalid_grant' },
    { name: 'a missing verifier', verifier: undefined, challenge, code: 'invalid_grant' },
    { name: 'a too short verifier (RFC 7636 §4.1)', verifier: 'abc', challenge, code: 'invalid_grant' },
    { name: 'the challenge itself sent as verifier (plain downgrade)', verifier: challenge, challenge, code: 'invalid_grant' },
    { name: 'a verifier for a code without challenge (RFC 9700 §4.8.2)', verifier, challenge: null, code: 'invalid_grant' },
  ];
  for (const c of refusals) {
    it(`refuses ${c.name}`, () => {
      assert.throws(() => verifyCodeVerifier(c.verifier, c.challenge), (e: unknown) => e instanceof OAuthError && e.code === c.code);
    });
  }

  it('refuses code_challenge_method=plain and a missing method (RFC 9700 §2.1.1)', () => {
    assert.throws(() => validateCodeChallenge(challenge, 'plain'), OAuthError);
    assert.throws(() => validateCodeChallenge(challenge, undefined), OAuthError);
    assert.deepEqual(validateCodeChallenge(challenge, 'S256'), { codeChallenge: challenge, codeChallengeMethod: 'S256' });
    assert.equal(validateCodeChallenge(undefined, undefined), null);
  });
});
