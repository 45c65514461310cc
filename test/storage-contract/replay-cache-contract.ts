// Contract for the replay cache (RFC 7523 §3 item 7, RFC 7521 §4.2: a client assertion's jti is
// used once): an atomic insert-if-absent with an expiry, the same on every adapter.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ContractContext } from './contract.js';
import { nowSeconds, randomDigest } from './fixtures.js';

export function describeReplayCacheContract({ storage }: ContractContext): void {
  describe('replay cache', () => {
    it('accepts a value once and refuses it again until its expiry (RFC 7523 §3 item 7)', async () => {
      const now = nowSeconds();
      const key = randomDigest();
      assert.equal(await storage().replayCache.use(key, now + 60, now), true);
      assert.equal(await storage().replayCache.use(key, now + 60, now), false, 'a replay is refused');
      assert.equal(await storage().replayCache.use(key, now + 120, now + 59), false, 'still refused just before its expiry');
      assert.equal(await storage().replayCache.use(randomDigest(), now + 60, now), true, 'another value is its own');
    });

    it('lets exactly one of many concurrent uses of one value through (RFC 7521 §4.2)', async () => {
      const now = nowSeconds();
      const key = randomDigest();
      const results = await Promise.all(Array.from({ length: 20 }, () => storage().replayCache.use(key, now + 60, now)));
      assert.equal(results.filter(Boolean).length, 1);
    });

    it('forgets a value at its expiry, and the purge removes expired values only', async () => {
      const now = nowSeconds();
      const key = randomDigest();
      assert.equal(await storage().replayCache.use(key, now + 5, now), true);
      assert.equal(await storage().replayCache.use(key, now + 65, now + 5), true, 'an expired value may be recorded again');
      assert.equal(await storage().replayCache.use(key, now + 65, now + 6), false);
      const live = randomDigest();
      await storage().replayCache.use(live, now + 3600, now);
      for (let i = 0; i < 3; i++) await storage().replayCache.use(randomDigest(), now + 1, now);
      const purged = await storage().replayCache.purgeExpired(now + 10, 2);
      assert.ok(purged <= 2, `purged ${purged} > limit 2`);
      assert.equal(await storage().replayCache.use(live, now + 3600, now + 10), false, 'a live value survives the purge');
    });
  });
}
