import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { atHashOf, checkIdToken, pkceChallengeOf } from './inspect.js';

describe('the playground\'s checks, redone in the open', () => {
  it('computes the S256 challenge of the RFC 7636 Appendix B verifier (RFC 7636 §4.2)', () => {
    assert.equal(pkceChallengeOf('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'), 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('computes the at_hash of the OIDC Core Appendix A.3 access token (OIDC Core §3.1.3.6)', () => {
    assert.equal(atHashOf('jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y', 'RS256'), '77QmUPtjPfzWtF2AnpK9RQ');
  });

  it('verifies the signature with the JWKS key the kid names, and fails for a token signed by another key (RFC 7515 §4.1.4)', async () => {
    const published = await generateKeyPair('RS256');
    const other = await generateKeyPair('RS256');
    const jwk = { ...await exportJWK(published.publicKey), kid: 'k1', alg: 'RS256', use: 'sig' };
    const accessToken = 'gh_at_example-access-token';
    const sign = (key: Parameters<SignJWT['sign']>[0]) => new SignJWT({ at_hash: atHashOf(accessToken, 'RS256') }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(key);
    const good = await checkIdToken(await sign(published.privateKey), accessToken, 'https://as.example/jwks', { keys: [jwk] });
    assert.deepEqual([good.kid, good.signatureValid, good.atHash?.matches], ['k1', true, true]);
    assert.equal(good.jwk?.kid, 'k1');
    const forged = await checkIdToken(await sign(other.privateKey), accessToken, 'https://as.example/jwks', { keys: [jwk] });
    assert.equal(forged.signatureValid, false);
    const swapped = await checkIdToken(await sign(published.privateKey), 'gh_at_another-token', 'https://as.example/jwks', { keys: [jwk] });
    assert.equal(swapped.atHash?.matches, false, 'at_hash binds the ID token to its access token');
    const unknownKid = await checkIdToken(await sign(published.privateKey), accessToken, 'https://as.example/jwks', { keys: [] });
    assert.match(unknownKid.signatureProblem ?? '', /no key with kid k1/);
  });
});
