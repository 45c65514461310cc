// Unit tests: the introspection cache never outlives the token or the configured bound.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { manualClock } from '../lib/clock.js';
import { TokenCache } from './token-cache.js';
import type { VerifiedAccessToken } from './verified-access-token.js';

const token = (expiresAt: number): VerifiedAccessToken => ({ format: 'opaque', subject: 's', clientId: 'c', scopes: [], expiresAt, claims: {} });

describe('TokenCache', () => {
  it('reuses an active result until the max TTL, then asks again', async () => {
    const clock = manualClock(1000);
    const cache = new TokenCache({ maxTtlSeconds: 60, maxEntries: 10, now: clock });
    let loads = 0;
    const load = async () => { loads += 1; return token(5000); };
    await cache.get('t', load);
    clock.advance(59);
    await cache.get('t', load);
    assert.equal(loads, 1);
    clock.advance(1);
    await cache.get('t', load);
    assert.equal(loads, 2);
  });

  it('never keeps a result past the token expiry (RFC 7662 §4)', async () => {
    const clock = manualClock(1000);
    const cache = new TokenCache({ maxTtlSeconds: 600, maxEntries: 10, now: clock });
    let loads = 0;
    const load = async () => { loads += 1; return token(1010); };
    await cache.get('t', load);
    clock.advance(10);
    await cache.get('t', load);
    assert.equal(loads, 2);
  });

  it('does not cache failures', async () => {
    const cache = new TokenCache({ maxTtlSeconds: 60, maxEntries: 10, now: manualClock(1000) });
    let loads = 0;
    const failing = async (): Promise<VerifiedAccessToken> => { loads += 1; throw new Error('down'); };
    await assert.rejects(cache.get('t', failing));
    await assert.rejects(cache.get('t', failing));
    assert.equal(loads, 2);
    assert.equal(cache.size, 0);
  });

  it('shares one lookup between concurrent requests for the same token', async () => {
    const cache = new TokenCache({ maxTtlSeconds: 0, maxEntries: 10, now: manualClock(1000) });
    let loads = 0;
    const load = async () => { loads += 1; await new Promise((r) => setImmediate(r)); return token(5000); };
    await Promise.all([cache.get('t', load), cache.get('t', load), cache.get('t', load)]);
    assert.equal(loads, 1);
  });

  it('stays within maxEntries, dropping the oldest', async () => {
    const cache = new TokenCache({ maxTtlSeconds: 60, maxEntries: 2, now: manualClock(1000) });
    for (const t of ['a', 'b', 'c']) await cache.get(t, async () => token(5000));
    assert.equal(cache.size, 2);
  });
});
