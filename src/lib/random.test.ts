import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { prefixedToken, randomIdentifier, randomToken } from './random.js';

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

  it('make identifiers that start with a letter or digit, never an option-like "-" (issue 9)', () => {
    // 5 000 draws: with plain base64url about 156 would start with '-' or '_'.
    const ids = Array.from({ length: 5000 }, () => randomIdentifier(16));
    for (const id of ids) {
      assert.match(id, /^[A-Za-z0-9][A-Za-z0-9_-]{21}$/);
      assert.equal(Buffer.from(id, 'base64url').length, 16);
    }
    assert.equal(new Set(ids).size, ids.length);
    // Every allowed first character stays possible: the rule removes two, not more.
    assert.ok(new Set(ids.map((id) => id[0])).size > 55);
  });
});
