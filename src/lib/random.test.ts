import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { prefixedToken, randomToken } from './random.js';

describe('random values', () => {
  it('carry the requested entropy as base64url, across pool refills and beyond the pool size', () => {
    for (const bytes of [9, 16, 32, 4096, 5000]) {
      const value = randomToken(bytes);
      assert.match(value, /^[A-Za-z0-9_-]+$/);
      assert.equal(Buffer.from(value, 'base64url').length, bytes);
    }
  });

  it('never hand out the same bytes twice (RFC 6749 §10.10: tokens must not be guessable)', () => {
    // 2 000 values of 32 bytes walk the 4 KiB pool through more than 15 refills.
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) seen.add(randomToken());
    assert.equal(seen.size, 2000);
    const bytes = Buffer.concat([...seen].map((v) => Buffer.from(v, 'base64url')));
    // A pool that handed out wiped (zero) or repeated bytes would skew this far from 1/256 each.
    const zeros = bytes.filter((b) => b === 0).length;
    assert.ok(zeros < bytes.length / 128, `too many zero bytes: ${zeros} of ${bytes.length}`);
  });

  it('prefix values with their type', () => {
    assert.match(prefixedToken('gh_at_'), /^gh_at_[A-Za-z0-9_-]{43}$/);
  });
});
