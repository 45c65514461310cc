// Unit tests: reading the bearer token from the Authorization header (RFC 6750 §2.1).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bearerTokenFrom } from './authorization-header.js';
import { BearerError } from './errors.js';

describe('bearerTokenFrom', () => {
  it('returns the token of a well-formed Bearer header, scheme case-insensitive (RFC 6750 §2.1)', () => {
    assert.equal(bearerTokenFrom('Bearer gh_at_abc-._~+/=='), 'gh_at_abc-._~+/==');
    assert.equal(bearerTokenFrom('bearer abc'), 'abc');
  });

  const refusals: { name: string; input: string | string[] | undefined; code: string | null }[] = [
    { name: 'no header at all', input: undefined, code: null },
    { name: 'an empty header', input: '', code: null },
    { name: 'another scheme', input: 'Basic dXNlcjpwYXNz', code: null },
    { name: 'Bearer without a token', input: 'Bearer', code: 'invalid_request' },
    { name: 'Bearer with two tokens', input: 'Bearer a b', code: 'invalid_request' },
    { name: 'a token outside the b64token syntax', input: 'Bearer a,b', code: 'invalid_request' },
    { name: 'two Authorization headers', input: ['Bearer a', 'Bearer b'], code: 'invalid_request' },
  ];
  for (const r of refusals) {
    it(`refuses ${r.name} with ${r.code ?? 'no error code'} (RFC 6750 §3.1)`, () => {
      assert.throws(() => bearerTokenFrom(r.input), (e: unknown) => e instanceof BearerError && e.code === r.code);
    });
  }
});
