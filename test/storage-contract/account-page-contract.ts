// The account page's connected apps (oauth/lifecycle.ts#disconnectClient) on each adapter: the
// consent and grant listings by account, and a disconnect that forgets the consent and revokes
// that client's grants, codes and tokens only; the account events (sign-ins, password changes).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { manualClock } from '../../src/lib/clock.js';
import { disconnectClient } from '../../src/oauth/lifecycle.js';
import type { ContractContext } from './contract.js';
import { accountRecord, clientRecord, codeRecord, grantRecord, nowSeconds, tokenRecord } from './fixtures.js';

export function describeAccountPageContract({ storage }: ContractContext): void {
  describe('connected apps: listings by account and disconnectClient', () => {
    const clock = manualClock(nowSeconds() + 3600);

    it('lists the account\'s consents and grants, oldest first, and nobody else\'s', async () => {
      const s = storage();
      const account = accountRecord();
      const other = accountRecord();
      const [a, b] = [clientRecord(), clientRecord()];
      await s.accounts.insert(account);
      await s.accounts.insert(other);
      await s.clients.insert(a);
      await s.clients.insert(b);
      const now = clock();
      await s.consents.save({ accountId: account.accountId, clientId: b.clientId, scopes: ['openid'], createdAt: now - 10, updatedAt: now - 10 });
      await s.consents.save({ accountId: account.accountId, clientId: a.clientId, scopes: ['openid', 'email'], createdAt: now, updatedAt: now });
      await s.consents.save({ accountId: other.accountId, clientId: a.clientId, scopes: ['openid'], createdAt: now, updatedAt: now });
      const g1 = grantRecord({ accountId: account.accountId, clientId: a.clientId, createdAt: now - 5 });
      const g2 = grantRecord({ accountId: account.accountId, clientId: b.clientId, createdAt: now });
      await s.grants.insert(g1);
      await s.grants.insert(g2);
      await s.grants.insert(grantRecord({ accountId: other.accountId, clientId: a.clientId, createdAt: now }));

      assert.deepEqual((await s.consents.listByAccount(account.accountId)).map((c) => c.clientId), [b.clientId, a.clientId]);
      assert.deepEqual((await s.consents.listByAccount(account.accountId))[1]!.scopes, ['openid', 'email']);
      assert.deepEqual((await s.grants.listByAccount(account.accountId)).map((g) => g.grantId), [g1.grantId, g2.grantId]);
      assert.deepEqual(await s.consents.listByAccount('nobody'), []);
    });

    it('disconnectClient forgets the consent and revokes that client\'s grants, codes and tokens only', async () => {
      const s = storage();
      const account = accountRecord();
      const [a, b] = [clientRecord(), clientRecord()];
      await s.accounts.insert(account);
      await s.clients.insert(a);
      await s.clients.insert(b);
      const now = clock();
      for (const c of [a, b]) {
        await s.consents.save({ accountId: account.accountId, clientId: c.clientId, scopes: ['openid'], createdAt: now, updatedAt: now });
      }
      const ga = grantRecord({ accountId: account.accountId, clientId: a.clientId, createdAt: now });
      const gb = grantRecord({ accountId: account.accountId, clientId: b.clientId, createdAt: now });
      const codeA = codeRecord(ga, now, { clientId: a.clientId, accountId: account.accountId });
      const tokenA = tokenRecord(ga, 'refresh_token', now, { clientId: a.clientId, accountId: account.accountId });
      const tokenB = tokenRecord(gb, 'refresh_token', now, { clientId: b.clientId, accountId: account.accountId });
      await s.grants.insert(ga);
      await s.grants.insert(gb);
      await s.authorizationCodes.insert(codeA);
      await s.tokens.insert([tokenA]);
      await s.tokens.insert([tokenB]);

      assert.equal(await disconnectClient(account.accountId, a.clientId, { storage: s, clock }), 1);
      assert.equal(await s.consents.find(account.accountId, a.clientId), null);
      assert.ok(await s.consents.find(account.accountId, b.clientId), 'the other client keeps its consent');
      assert.notEqual((await s.grants.find(ga.grantId))!.revokedAt, null);
      assert.equal((await s.grants.find(gb.grantId))!.revokedAt, null, 'the other client keeps its grant');
      assert.equal((await s.authorizationCodes.consume(codeA.codeDigest, now))?.firstUse, false, 'the pending code is spent');
      assert.notEqual((await s.tokens.find(tokenA.tokenDigest))?.revokedAt ?? 'gone', null);
      assert.equal((await s.tokens.find(tokenB.tokenDigest))!.revokedAt, null);
      // Idempotent: nothing live is left to revoke.
      assert.equal(await disconnectClient(account.accountId, a.clientId, { storage: s, clock }), 0);
    });

    it('account events: listed newest first up to the limit, per account; purged once expired', async () => {
      const s = storage();
      const accountId = `acct-${Math.random().toString(36).slice(2)}`;
      const now = clock();
      const event = (n: number, kind: 'sign_in' | 'password_changed', expiresAt: number) => ({
        eventId: `${accountId}-e${n}`, accountId, kind, address: n % 2 ? '192.0.2.1' : null, at: now + n, expiresAt,
      });
      await s.accountEvents.insert(event(1, 'sign_in', now - 1));
      await s.accountEvents.insert(event(2, 'password_changed', now + 1000));
      await s.accountEvents.insert(event(3, 'sign_in', now + 1000));
      await s.accountEvents.insert({ ...event(4, 'sign_in', now + 1000), accountId: 'someone-else', eventId: `${accountId}-other` });
      assert.deepEqual((await s.accountEvents.listByAccount(accountId, 2)).map((e) => e.eventId), [`${accountId}-e3`, `${accountId}-e2`]);
      assert.deepEqual((await s.accountEvents.listByAccount(accountId, 10))[1], event(2, 'password_changed', now + 1000));
      assert.ok((await s.accountEvents.purgeExpired(now, 100)) >= 1);
      assert.deepEqual((await s.accountEvents.listByAccount(accountId, 10)).map((e) => e.eventId), [`${accountId}-e3`, `${accountId}-e2`]);
      await s.accountEvents.deleteByAccount(accountId);
      assert.deepEqual(await s.accountEvents.listByAccount(accountId, 10), []);
      assert.equal((await s.accountEvents.listByAccount('someone-else', 10)).length >= 1, true, 'another account keeps its events');
    });
  });
}
