// Contract for links sent by mail (verification, reset, e-mail change; OWASP ASVS V2.5.x, V3.x):
// stored as digests, live only until expiry, spent atomically once; and the account operations
// they rely on (finding accounts by address, marking an address verified only while it is current).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ContractContext } from './contract.js';
import type { AccountTokenRecord } from '../../src/storage/records.js';
import { accountRecord, nowSeconds, randomDigest, uid } from './fixtures.js';

function tokenRecord(now: number, overrides: Partial<AccountTokenRecord> = {}): AccountTokenRecord {
  return {
    tokenDigest: randomDigest(), purpose: 'reset_password', accountId: uid('acct'), email: 'a@example.com',
    createdAt: now, expiresAt: now + 1800, usedAt: null, ...overrides,
  };
}

export function describeAccountTokenContract({ storage }: ContractContext): void {
  describe('account tokens', () => {
    it('ASVS V2.5.1: find shows a live token without spending it; consume spends it once', async () => {
      const now = nowSeconds();
      const token = tokenRecord(now);
      await storage().accountTokens.insert(token);
      assert.deepEqual(await storage().accountTokens.find(token.tokenDigest, 'reset_password', now), token);
      assert.equal(await storage().accountTokens.find(token.tokenDigest, 'verify_email', now), null, 'another purpose sees nothing');
      assert.equal(await storage().accountTokens.consume(token.tokenDigest, 'change_email', now), null, 'nor spends it');
      assert.deepEqual(await storage().accountTokens.consume(token.tokenDigest, 'reset_password', now + 5), { ...token, usedAt: now + 5 });
      assert.equal(await storage().accountTokens.consume(token.tokenDigest, 'reset_password', now + 6), null, 'a second use gets nothing');
      assert.equal(await storage().accountTokens.find(token.tokenDigest, 'reset_password', now + 6), null);
    });

    it('ASVS V2.5.1: of concurrent uses of one token exactly one wins', async () => {
      const now = nowSeconds();
      const token = tokenRecord(now, { purpose: 'verify_email' });
      await storage().accountTokens.insert(token);
      const results = await Promise.all(Array.from({ length: 8 }, () => storage().accountTokens.consume(token.tokenDigest, 'verify_email', now)));
      assert.equal(results.filter((r) => r !== null).length, 1);
    });

    it('an expired token is neither found nor spent, and purgeExpired removes it', async () => {
      const now = nowSeconds();
      const token = tokenRecord(now, { expiresAt: now + 10 });
      const live = tokenRecord(now, { expiresAt: now + 1000 });
      await storage().accountTokens.insert(token);
      await storage().accountTokens.insert(live);
      assert.equal(await storage().accountTokens.find(token.tokenDigest, 'reset_password', now + 10), null);
      assert.equal(await storage().accountTokens.consume(token.tokenDigest, 'reset_password', now + 10), null);
      assert.ok((await storage().accountTokens.purgeExpired(now + 10, 1000)) >= 1);
      assert.ok(await storage().accountTokens.find(live.tokenDigest, 'reset_password', now + 10), 'a live token stays');
    });

    it('revokeByAccount spends every live token of that account and purpose only', async () => {
      const now = nowSeconds();
      const accountId = uid('acct');
      const a = tokenRecord(now, { accountId });
      const b = tokenRecord(now, { accountId });
      const other = tokenRecord(now, { accountId, purpose: 'verify_email' });
      for (const t of [a, b, other]) await storage().accountTokens.insert(t);
      await storage().accountTokens.revokeByAccount(accountId, 'reset_password', now);
      assert.equal(await storage().accountTokens.consume(a.tokenDigest, 'reset_password', now), null);
      assert.equal(await storage().accountTokens.consume(b.tokenDigest, 'reset_password', now), null);
      assert.ok(await storage().accountTokens.consume(other.tokenDigest, 'verify_email', now));
    });

    it('findByEmail ignores case; markEmailVerified verifies only the current address and clears verifyBeforeLogin', async () => {
      const email = `${uid('Mixed')}@Example.com`;
      const account = accountRecord({ email, emailVerified: false, verifyBeforeLogin: true });
      await storage().accounts.insert(account);
      const found = await storage().accounts.findByEmail(email.toLowerCase(), 5);
      assert.deepEqual(found.map((a) => a.accountId), [account.accountId]);
      assert.equal(found[0]!.verifyBeforeLogin, true);
      const now = nowSeconds();
      assert.equal(await storage().accounts.markEmailVerified(account.accountId, 'old@example.com', now), false, 'a replaced address verifies nothing');
      assert.equal((await storage().accounts.findById(account.accountId))!.emailVerified, false);
      assert.equal(await storage().accounts.markEmailVerified(account.accountId, email, now), true);
      const verified = await storage().accounts.findById(account.accountId);
      assert.equal(verified!.emailVerified, true);
      assert.equal(verified!.verifyBeforeLogin ?? false, false);
    });
  });
}
