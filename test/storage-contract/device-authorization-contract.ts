// Contract for device authorizations (RFC 8628): found by the user code while live, answered
// once, polled with the pace rule (§3.5 slow_down adds 5 s), redeemed once with its grant and
// tokens, atomically under concurrency, and purged after expiry.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ContractContext } from './contract.js';
import type { DeviceAuthorizationRecord } from '../../src/storage/records.js';
import { DuplicateError } from '../../src/storage/ports.js';
import { grantRecord, nowSeconds, randomDigest, tokenRecord, uid } from './fixtures.js';

function deviceRecord(now: number, overrides: Partial<DeviceAuthorizationRecord> = {}): DeviceAuthorizationRecord {
  return {
    deviceCodeDigest: randomDigest(), userCodeDigest: randomDigest(), clientId: uid('client'), scopes: ['openid', 'offline_access'],
    resources: ['https://api.example'], status: 'pending', accountId: null, authTime: null, grantId: uid('grant'),
    interval: 5, lastPolledAt: null, createdAt: now, expiresAt: now + 600, ...overrides,
  };
}

export function describeDeviceAuthorizationContract({ storage, options }: ContractContext): void {
  describe('device authorizations', () => {
    it('RFC 8628 §3.3: found by the user code while live; either digest taken again is a DuplicateError', async () => {
      const now = nowSeconds();
      const record = deviceRecord(now);
      await storage().deviceAuthorizations.insert(record);
      assert.deepEqual(await storage().deviceAuthorizations.findByUserCode(record.userCodeDigest, now), record);
      assert.equal(await storage().deviceAuthorizations.findByUserCode(record.userCodeDigest, now + 600), null, 'expired: invisible');
      assert.equal(await storage().deviceAuthorizations.findByUserCode(randomDigest(), now), null);
      await assert.rejects(storage().deviceAuthorizations.insert(deviceRecord(now, { userCodeDigest: record.userCodeDigest })), DuplicateError);
      await assert.rejects(storage().deviceAuthorizations.insert(deviceRecord(now, { deviceCodeDigest: record.deviceCodeDigest })), DuplicateError);
    });

    it('RFC 8628 §3.3: a pending record is answered once, of concurrent answers exactly one wins, and never after expiry', async () => {
      const now = nowSeconds();
      const record = deviceRecord(now);
      await storage().deviceAuthorizations.insert(record);
      const answers = await Promise.all(Array.from({ length: 8 }, (_, i) =>
        storage().deviceAuthorizations.decide(record.userCodeDigest, now, i % 2 === 0 ? { accountId: `acct-${i}`, authTime: now - i } : null)));
      assert.equal(answers.filter(Boolean).length, 1);
      const answered = (await storage().deviceAuthorizations.findByUserCode(record.userCodeDigest, now))!;
      const winner = answers.indexOf(true);
      if (winner % 2 === 0) assert.deepEqual([answered.status, answered.accountId, answered.authTime], ['approved', `acct-${winner}`, now - winner]);
      else assert.deepEqual([answered.status, answered.accountId], ['denied', null]);

      const late = deviceRecord(now);
      await storage().deviceAuthorizations.insert(late);
      assert.equal(await storage().deviceAuthorizations.decide(late.userCodeDigest, now + 600, { accountId: 'a', authTime: now }), false);
    });

    it('RFC 8628 §3.5: a poll before the interval is tooSoon and adds 5 s; only the issuing client polls', async () => {
      const now = nowSeconds();
      const record = deviceRecord(now);
      await storage().deviceAuthorizations.insert(record);
      assert.equal(await storage().deviceAuthorizations.poll(record.deviceCodeDigest, 'another-client', now), null);
      assert.equal(await storage().deviceAuthorizations.poll(randomDigest(), record.clientId, now), null);
      const first = (await storage().deviceAuthorizations.poll(record.deviceCodeDigest, record.clientId, now))!;
      assert.deepEqual([first.tooSoon, first.record.interval, first.record.lastPolledAt], [false, 5, now]);
      const fast = (await storage().deviceAuthorizations.poll(record.deviceCodeDigest, record.clientId, now + 4))!;
      assert.deepEqual([fast.tooSoon, fast.record.interval, fast.record.lastPolledAt], [true, 10, now + 4]);
      const paced = (await storage().deviceAuthorizations.poll(record.deviceCodeDigest, record.clientId, now + 14))!;
      assert.deepEqual([paced.tooSoon, paced.record.interval], [false, 10]);
      const expired = (await storage().deviceAuthorizations.poll(record.deviceCodeDigest, record.clientId, now + 700))!;
      assert.equal(expired.record.expiresAt, now + 600, 'an expired record is still returned, for expired_token');
    });

    it('RFC 8628 §3.5: an approved record is redeemed once with its grant and tokens; concurrent redemptions insert once', async () => {
      const now = nowSeconds();
      const grant = grantRecord({ createdAt: now });
      const record = deviceRecord(now, { clientId: grant.clientId, grantId: grant.grantId });
      await storage().deviceAuthorizations.insert(record);
      const access = tokenRecord(grant, 'access_token', now);
      const refresh = tokenRecord(grant, 'refresh_token', now);
      assert.equal(await storage().deviceAuthorizations.redeem(record.deviceCodeDigest, now, grant, [access, refresh]), false, 'pending: not redeemable');
      assert.equal(await storage().grants.find(grant.grantId), null);
      await storage().deviceAuthorizations.decide(record.userCodeDigest, now, { accountId: grant.accountId!, authTime: now });
      const results = await Promise.all(Array.from({ length: 6 }, () =>
        storage().deviceAuthorizations.redeem(record.deviceCodeDigest, now, grant, [access, refresh])));
      assert.equal(results.filter(Boolean).length, 1);
      assert.ok(await storage().grants.find(grant.grantId));
      assert.ok(await storage().tokens.find(access.tokenDigest));
      assert.ok(await storage().tokens.find(refresh.tokenDigest));
      const redeemed = (await storage().deviceAuthorizations.poll(record.deviceCodeDigest, record.clientId, now + 10))!;
      assert.equal(redeemed.record.status, 'redeemed');
    });

    it('purgeExpired removes expired records only, within its limit', async () => {
      const now = nowSeconds();
      const live = deviceRecord(now);
      const expired = deviceRecord(now - 700, { expiresAt: now - 100 });
      await storage().deviceAuthorizations.insert(live);
      await storage().deviceAuthorizations.insert(expired);
      assert.ok((await storage().deviceAuthorizations.purgeExpired(now, 1)) <= 1);
      while (await storage().deviceAuthorizations.purgeExpired(now, 100) > 0) { /* until done */ }
      assert.ok(await storage().deviceAuthorizations.findByUserCode(live.userCodeDigest, now));
      assert.equal(await storage().deviceAuthorizations.poll(expired.deviceCodeDigest, expired.clientId, now), null, options.expiresByTtl ? 'gone' : 'purged');
    });
  });
}
