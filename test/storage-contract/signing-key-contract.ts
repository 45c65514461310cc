// Contract for shared signing keys: published newest first, retired with a grace period, then
// removed (RFC 7517 JWK Set; OIDC Core §10.1.1 key rotation).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SigningKeyRecord } from '../../src/storage/records.js';
import type { ContractContext } from './contract.js';
import { nowSeconds, signingKeyRecord } from './fixtures.js';

export function describeSigningKeyContract({ storage, options }: ContractContext): void {
  // The store may be shared with other runs: only look at this test's keys.
  const mine = async (now: number, keys: SigningKeyRecord[]): Promise<SigningKeyRecord[]> => {
    const kids = new Set(keys.map((k) => k.kid));
    return (await storage().signingKeys.list(now)).filter((k) => kids.has(k.kid));
  };

  describe('signing keys', () => {
    it('lists keys newest first, exactly as stored', async () => {
      const now = nowSeconds();
      const older = signingKeyRecord(now - 100);
      const newer = signingKeyRecord(now, { activatesAt: now + 300 });
      await storage().signingKeys.insert(older);
      await storage().signingKeys.insert(newer);
      assert.deepEqual(await mine(now, [older, newer]), [newer, older]);
    });

    it('retires a key: it stays listed until removeAfter, then leaves the list', async () => {
      const now = nowSeconds();
      const key = signingKeyRecord(now);
      await storage().signingKeys.insert(key);
      await storage().signingKeys.retire(key.kid, now + 60, now + 600);
      assert.deepEqual(await mine(now + 599, [key]), [{ ...key, retiredAt: now + 60, removeAfter: now + 600 }]);
      assert.deepEqual(await mine(now + 600, [key]), []);
    });

    it('replaces a private key only while it still holds the expected value (compare-and-set, issue 9)', async () => {
      const now = nowSeconds();
      const key = signingKeyRecord(now, { privateKey: '{"kty":"RSA","d":"legacy"}' });
      await storage().signingKeys.insert(key);
      assert.equal(await storage().signingKeys.replacePrivateKey(key.kid, key.privateKey, 'gh1.sealed-by-a'), true);
      assert.equal(await storage().signingKeys.replacePrivateKey(key.kid, key.privateKey, 'gh1.sealed-by-b'), false, 'a second node loses');
      assert.equal(await storage().signingKeys.replacePrivateKey('no-such-kid', key.privateKey, 'x'), false);
      assert.deepEqual(await mine(now, [key]), [{ ...key, privateKey: 'gh1.sealed-by-a' }]);
    });

    it('purges removed keys at most `limit` per call and keeps published ones', async () => {
      const now = nowSeconds();
      const doomed = [1, 2, 3].map(() => signingKeyRecord(now - 1000, { retiredAt: now - 500, removeAfter: now - 10 }));
      const retiring = signingKeyRecord(now - 500, { retiredAt: now, removeAfter: now + 3600 });
      const current = signingKeyRecord(now);
      for (const key of [...doomed, retiring, current]) await storage().signingKeys.insert(key);
      const first = await storage().signingKeys.purgeExpired(now, 2);
      assert.ok(first <= 2);
      if (!options.expiresByTtl) assert.equal(first, 2);
      while ((await storage().signingKeys.purgeExpired(now, 2)) > 0);
      // Listing at an earlier time shows what is still stored, removed or not.
      assert.deepEqual(await mine(now - 20, [...doomed, retiring, current]), [current, retiring]);
    });
  });
}
