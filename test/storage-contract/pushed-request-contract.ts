// Contract for pushed authorization requests (RFC 9126): stored under a digest, consumed once,
// atomically, by its own client only, and never after its expiry.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ContractContext } from './contract.js';
import type { PushedRequestRecord } from '../../src/storage/records.js';
import { nowSeconds, randomDigest } from './fixtures.js';

function pushedRecord(now: number, overrides: Partial<PushedRequestRecord> = {}): PushedRequestRecord {
  return {
    requestDigest: randomDigest(), clientId: 'client-par', expiresAt: now + 60,
    params: { client_id: 'client-par', response_type: 'code', scope: 'openid', resource: 'https://api.example' },
    ...overrides,
  };
}

export function describePushedRequestContract({ storage }: ContractContext): void {
  describe('pushed authorization requests', () => {
    it('RFC 9126 §4: consume returns the parameters once, for the pushing client only', async () => {
      const now = nowSeconds();
      const record = pushedRecord(now);
      await storage().pushedRequests.insert(record);
      assert.equal(await storage().pushedRequests.consume(record.requestDigest, 'another-client', now), null, 'another client gets nothing');
      assert.deepEqual(await storage().pushedRequests.consume(record.requestDigest, record.clientId, now), record);
      assert.equal(await storage().pushedRequests.consume(record.requestDigest, record.clientId, now), null, 'a second use gets nothing');
      assert.equal(await storage().pushedRequests.consume(randomDigest(), record.clientId, now), null);
    });

    it('RFC 9126 §2.2: an expired request is not returned', async () => {
      const now = nowSeconds();
      const record = pushedRecord(now, { expiresAt: now + 10 });
      await storage().pushedRequests.insert(record);
      assert.equal(await storage().pushedRequests.consume(record.requestDigest, record.clientId, now + 10), null);
    });

    it('RFC 9126 §4: of concurrent consumptions exactly one gets the request', async () => {
      const now = nowSeconds();
      const record = pushedRecord(now);
      await storage().pushedRequests.insert(record);
      const results = await Promise.all(Array.from({ length: 8 }, () => storage().pushedRequests.consume(record.requestDigest, record.clientId, now)));
      assert.equal(results.filter((r) => r !== null).length, 1);
    });

    it('purgeExpired removes expired requests and keeps live ones', async () => {
      const now = nowSeconds();
      const live = pushedRecord(now);
      const expired = pushedRecord(now, { expiresAt: now - 1 });
      await storage().pushedRequests.insert(live);
      await storage().pushedRequests.insert(expired);
      while (await storage().pushedRequests.purgeExpired(now, 100) > 0) { /* until done */ }
      assert.deepEqual(await storage().pushedRequests.consume(live.requestDigest, live.clientId, now), live);
    });
  });
}
