// Unit tests: the RFC 6750 §3 challenge and refusal rendering.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bearerChallenge, refusalResponse } from './challenge.js';
import { BearerError, VerifierUnavailableError } from './errors.js';

describe('bearer challenge', () => {
  const cases = [
    { name: 'carries no error code when no credentials were sent (RFC 6750 §3.1)', error: new BearerError(null, 'an access token is required'), status: 401, header: 'Bearer realm="api"' },
    { name: 'answers 400 invalid_request for malformed credentials (RFC 6750 §3.1)', error: new BearerError('invalid_request', 'malformed'), status: 400, header: 'Bearer realm="api", error="invalid_request", error_description="malformed"' },
    { name: 'answers 401 invalid_token for a bad token (RFC 6750 §3.1)', error: new BearerError('invalid_token', 'expired'), status: 401, header: 'Bearer realm="api", error="invalid_token", error_description="expired"' },
    { name: 'answers 403 insufficient_scope naming the scope needed (RFC 6750 §3.1)', error: new BearerError('insufficient_scope', 'needs more', { scope: ['profile', 'email'] }), status: 403, header: 'Bearer realm="api", error="insufficient_scope", error_description="needs more", scope="profile email"' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const refusal = refusalResponse('api', c.error);
      assert.equal(refusal.status, c.status);
      assert.equal(refusal.headers['www-authenticate'], c.header);
      assert.equal(refusal.headers['cache-control'], 'no-store');
    });
  }

  it('strips characters a quoted-string may not carry (RFC 6750 §3)', () => {
    const header = bearerChallenge('my "api"\\', new BearerError('invalid_token', 'bad "token"\n'));
    assert.equal(header, 'Bearer realm="my api", error="invalid_token", error_description="bad token"');
  });

  it('answers 503 without a challenge when the token could not be checked', () => {
    const refusal = refusalResponse('api', new VerifierUnavailableError('down'));
    assert.equal(refusal.status, 503);
    assert.equal(refusal.headers['www-authenticate'], undefined);
    assert.doesNotMatch(refusal.body, /down/);
  });
});
